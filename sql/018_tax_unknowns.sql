-- 018_tax_unknowns: what the treasurer's pages do not say is unknown.
--
-- An older tax year's delinquency was stored as its status read ("Unpaid":
-- delinquent), which the treasurer's tax years grid does not say: it shows
-- Paid or Unpaid and what is due.  Only a year with nothing due is known not
-- to be delinquent; of the others it is unknown, as pdc now stores it.
-- (The current year's comes from the summary page and stays.)  Runs outside
-- a collection, so the change feed records nothing.
UPDATE tax_bills b SET delinquent = NULL
WHERE delinquent IS NOT NULL
  AND (due IS NULL OR due > 0)
  AND tax_year < (SELECT max(c.tax_year) FROM tax_bills c WHERE c.apn = b.apn);
