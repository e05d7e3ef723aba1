-- 011_history: what each collection changed in a record.
--
-- A collection that rewrites a row (the store's upserts leave an equal row
-- alone, so only a changed row is rewritten), adds one or deletes one leaves
-- a line here, in the same transaction: the table, the row's key, what the
-- changed columns held before (old; the whole row for a delete; for a new
-- valuation year, the year before it) and the row as it is now (new; NULL
-- for a delete).  pdc-changes and
-- pdc-show --history read it (lib/history.c turns the lines into events).
--
-- Only a collection writes history: the store opens it for the transaction
-- with pdc_history_begin(apn), which names the parts of the record stored
-- before.  A part collected for the first time adds nothing (its rows are
-- the record, not news); a search's or a person's UPDATE adds nothing.
CREATE TABLE IF NOT EXISTS history (
	id       bigserial PRIMARY KEY,
	apn      text NOT NULL,
	seen_at  timestamptz NOT NULL DEFAULT now(),
	part     text NOT NULL,
	tbl      text NOT NULL,
	row_key  text,
	op       text NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
	old      jsonb,
	new      jsonb
);
CREATE INDEX IF NOT EXISTS history_apn ON history (apn, id);
CREATE INDEX IF NOT EXISTS history_seen ON history (seen_at);

-- The parts of APN's record that hold what an earlier collection stored: a
-- part with a record_parts row that is not 'failed', or whose table has
-- rows (a part that failed last time keeps its data).
CREATE OR REPLACE FUNCTION pdc_history_begin(p_apn text) RETURNS text LANGUAGE sql AS $$
	SELECT set_config('pdc.history', ',' || coalesce(string_agg(p.part, ','), '') || ',', true)
	FROM (SELECT part FROM record_parts WHERE apn = p_apn AND state <> 'failed'
	      UNION SELECT 'basic' FROM properties WHERE apn = p_apn AND fetched_at IS NOT NULL
	      UNION SELECT 'valuations' WHERE EXISTS (SELECT 1 FROM valuations WHERE apn = p_apn)
	      UNION SELECT 'residential' WHERE EXISTS (SELECT 1 FROM residential_details WHERE apn = p_apn)
	      UNION SELECT 'tax' WHERE EXISTS (SELECT 1 FROM tax_bills WHERE apn = p_apn)
	      UNION SELECT 'sales' WHERE EXISTS (SELECT 1 FROM sales WHERE apn = p_apn)) p
$$;

-- TG_ARGV: the part, the key column of a set ('' for a one-per-APN table).
-- Columns that say when, or what a search said, are not the record's news.
CREATE OR REPLACE FUNCTION pdc_history_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	open text := current_setting('pdc.history', true);
	o jsonb;
	n jsonb;
	oc jsonb;
	nc jsonb;
	k text;
	skip text[] := ARRAY['apn', 'fetched_at', 'search_seen_at', 'situs_address',
	    'situs_city', 'situs_zip'];
BEGIN
	IF open IS NULL OR position(',' || TG_ARGV[0] || ',' IN open) = 0 THEN
		RETURN NULL;
	END IF;
	IF TG_OP <> 'INSERT' THEN
		o := to_jsonb(OLD) - skip;
	END IF;
	IF TG_OP <> 'DELETE' THEN
		n := to_jsonb(NEW) - skip;
	END IF;
	IF TG_OP = 'UPDATE' THEN
		-- old: the changed columns as they were; new: the whole row now
		SELECT jsonb_object_agg(e.key, e.value) INTO oc
		FROM jsonb_each(o) e WHERE e.value IS DISTINCT FROM n -> e.key;
		IF oc IS NULL THEN
			RETURN NULL;
		END IF;
		nc := n;
	ELSE
		oc := o;
		nc := n;
		-- a new valuation year is news against the year before it, as the
		-- county's notice compares them
		IF TG_OP = 'INSERT' AND TG_TABLE_NAME = 'valuations' THEN
			SELECT jsonb_build_object('tax_year', v.tax_year,
			    'full_cash_value', v.full_cash_value,
			    'limited_property_value', v.limited_property_value)
			INTO oc FROM valuations v
			WHERE v.apn = NEW.apn AND v.tax_year < NEW.tax_year
			ORDER BY v.tax_year DESC LIMIT 1;
		END IF;
	END IF;
	IF TG_ARGV[1] <> '' THEN
		k := coalesce(n, o) ->> TG_ARGV[1];
	END IF;
	INSERT INTO history (apn, part, tbl, row_key, op, old, new)
	VALUES (coalesce(NEW.apn, OLD.apn), TG_ARGV[0], TG_TABLE_NAME, k, lower(TG_OP), oc, nc);
	RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS history_properties ON properties;
CREATE TRIGGER history_properties AFTER INSERT OR UPDATE OR DELETE ON properties
	FOR EACH ROW EXECUTE FUNCTION pdc_history_row('basic', '');
DROP TRIGGER IF EXISTS history_valuations ON valuations;
CREATE TRIGGER history_valuations AFTER INSERT OR UPDATE OR DELETE ON valuations
	FOR EACH ROW EXECUTE FUNCTION pdc_history_row('valuations', 'tax_year');
DROP TRIGGER IF EXISTS history_residential ON residential_details;
CREATE TRIGGER history_residential AFTER INSERT OR UPDATE OR DELETE ON residential_details
	FOR EACH ROW EXECUTE FUNCTION pdc_history_row('residential', '');
DROP TRIGGER IF EXISTS history_tax ON tax_bills;
CREATE TRIGGER history_tax AFTER INSERT OR UPDATE OR DELETE ON tax_bills
	FOR EACH ROW EXECUTE FUNCTION pdc_history_row('tax', 'tax_year');
DROP TRIGGER IF EXISTS history_sales ON sales;
CREATE TRIGGER history_sales AFTER INSERT OR UPDATE OR DELETE ON sales
	FOR EACH ROW EXECUTE FUNCTION pdc_history_row('sales', 'recording_number');
