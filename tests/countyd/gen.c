/*
 * gen.c - a deterministic county: every parcel from a hash of (seed, index).
 *
 * Parcel i has APN book 100 + i / 100000, map (i / 1000) % 100, item
 * i % 1000.  A block of 100 consecutive parcels shares a subdivision (MCR),
 * a city, a zip, streets and an era; a map of 1000 parcels is one section
 * (STR).  Each part of a parcel (type, situs, owner, deed, values, house)
 * draws from its own stream, so the search index can generate owner names
 * and addresses without generating the rest.
 */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "countyd.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define PICK(r, a) ((a)[below((r), NELEM(a))])

#define BLOCK		100	/* parcels per subdivision block */
#define SECTION		1000	/* parcels per section (STR) block */
#define NSTR		(36 * 12 * 11)	/* distinct section/township/range codes */

/* Stream numbers: one per independent part of a parcel or block. */
enum {
	S_SPLIT = 1, S_TYPE, S_SITUS, S_OWNER, S_MAIL, S_DEED, S_VALUE,
	S_HOUSE, S_MISC, S_SKETCH, S_SIMILAR, S_BLOCK, S_STREETS, S_BUILDER, S_FIRST
};

uint64_t
cd_mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

uint64_t
cd_hash_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	/* FNV-1a, finished by a mix so that short keys spread */
	h ^= 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return cd_mix64(h);
}

static void
rng_init(struct cd_rng *r, uint64_t seed, uint64_t idx, uint64_t stream)
{
	r->s = cd_mix64(cd_mix64(seed + 0x9e3779b97f4a7c15ULL) ^
	    cd_mix64(idx * 0x2545f4914f6cdd1dULL + stream));
}

static uint64_t
next(struct cd_rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return cd_mix64(r->s);
}

static unsigned long
below(struct cd_rng *r, unsigned long n)
{
	return (unsigned long)(next(r) % n);
}

static double
unit(struct cd_rng *r)
{
	return (double)(next(r) >> 11) * 0x1.0p-53;
}

static int
chance(struct cd_rng *r, double p)
{
	return unit(r) < p;
}

static long
range(struct cd_rng *r, long lo, long hi)
{
	return lo + (long)below(r, (unsigned long)(hi - lo + 1));
}

/* --- word lists --------------------------------------------------------- */

struct district {
	const char *hs, *elem;
};

struct city {
	const char *name;
	int weight;
	int zips[8];
	struct district d[2];
	int ppsf;		/* 2026 dollars per livable square foot */
	const char *juris;
	double lat, lon;
};

static const struct city cities[] = {
	{ "PHOENIX", 34, { 85008, 85014, 85016, 85018, 85020, 85022, 85028, 85032 },
	  { { "PHOENIX UNION #210", "OSBORN ELEMENTARY #8" },
	    { "PARADISE VALLEY UNIFIED #69", "PARADISE VALLEY UNIFIED SCHOOL DISTRICT" } },
	  300, "PHOENIX", 33.50, -112.05 },
	{ "MESA", 10, { 85201, 85203, 85204, 85205, 85206, 85207, 85209, 85213 },
	  { { "MESA UNIFIED #4", "MESA UNIFIED SCHOOL DISTRICT" },
	    { "GILBERT UNIFIED #41", "GILBERT UNIFIED SCHOOL DISTRICT" } },
	  270, "MESA", 33.42, -111.75 },
	{ "CHANDLER", 7, { 85224, 85225, 85226, 85248, 85249, 85286 },
	  { { "CHANDLER UNIFIED #80", "CHANDLER UNIFIED SCHOOL DISTRICT" },
	    { "KYRENE ELEMENTARY #28", "TEMPE UNION #213" } },
	  310, "CHANDLER", 33.30, -111.85 },
	{ "SCOTTSDALE", 7, { 85250, 85251, 85254, 85255, 85257, 85258, 85259, 85260 },
	  { { "SCOTTSDALE UNIFIED #48", "SCOTTSDALE UNIFIED SCHOOL DISTRICT" },
	    { "PARADISE VALLEY UNIFIED #69", "PARADISE VALLEY UNIFIED SCHOOL DISTRICT" } },
	  420, "SCOTTSDALE", 33.55, -111.90 },
	{ "GILBERT", 7, { 85233, 85234, 85295, 85296, 85297, 85298 },
	  { { "GILBERT UNIFIED #41", "GILBERT UNIFIED SCHOOL DISTRICT" },
	    { "HIGLEY UNIFIED #60", "HIGLEY UNIFIED SCHOOL DISTRICT" } },
	  300, "GILBERT", 33.33, -111.75 },
	{ "GLENDALE", 6, { 85301, 85302, 85304, 85306, 85308, 85310 },
	  { { "GLENDALE UNION #205", "GLENDALE ELEMENTARY #40" },
	    { "DEER VALLEY UNIFIED #97", "DEER VALLEY UNIFIED SCHOOL DISTRICT" } },
	  260, "GLENDALE", 33.58, -112.20 },
	{ "TEMPE", 4, { 85281, 85282, 85283, 85284 },
	  { { "TEMPE UNION #213", "TEMPE ELEMENTARY #3" },
	    { "TEMPE UNION #213", "KYRENE ELEMENTARY #28" } },
	  320, "TEMPE", 33.40, -111.93 },
	{ "PEORIA", 5, { 85345, 85381, 85382, 85383 },
	  { { "PEORIA UNIFIED #11", "PEORIA UNIFIED SCHOOL DISTRICT" },
	    { "DEER VALLEY UNIFIED #97", "DEER VALLEY UNIFIED SCHOOL DISTRICT" } },
	  280, "PEORIA", 33.65, -112.25 },
	{ "SURPRISE", 4, { 85374, 85378, 85379, 85387, 85388 },
	  { { "DYSART UNIFIED #89", "DYSART UNIFIED SCHOOL DISTRICT" },
	    { "DYSART UNIFIED #89", "DYSART UNIFIED SCHOOL DISTRICT" } },
	  240, "SURPRISE", 33.63, -112.37 },
	{ "GOODYEAR", 3, { 85338, 85395 },
	  { { "AGUA FRIA UNION #216", "LITCHFIELD ELEMENTARY #79" },
	    { "AGUA FRIA UNION #216", "AVONDALE ELEMENTARY #44" } },
	  250, "GOODYEAR", 33.44, -112.39 },
	{ "AVONDALE", 2, { 85323, 85392 },
	  { { "AGUA FRIA UNION #216", "AVONDALE ELEMENTARY #44" },
	    { "TOLLESON UNION #214", "LITTLETON ELEMENTARY #65" } },
	  240, "AVONDALE", 33.44, -112.33 },
	{ "BUCKEYE", 3, { 85326, 85396 },
	  { { "BUCKEYE UNION #201", "BUCKEYE ELEMENTARY #33" },
	    { "BUCKEYE UNION #201", "LIBERTY ELEMENTARY #25" } },
	  220, "BUCKEYE", 33.37, -112.58 },
	{ "QUEEN CREEK", 2, { 85142 },
	  { { "QUEEN CREEK UNIFIED #95", "QUEEN CREEK UNIFIED SCHOOL DISTRICT" },
	    { "QUEEN CREEK UNIFIED #95", "QUEEN CREEK UNIFIED SCHOOL DISTRICT" } },
	  280, "QUEEN CREEK", 33.25, -111.63 },
	{ "FOUNTAIN HILLS", 1, { 85268 },
	  { { "FOUNTAIN HILLS UNIFIED #98", "FOUNTAIN HILLS UNIFIED SCHOOL DISTRICT" },
	    { "FOUNTAIN HILLS UNIFIED #98", "FOUNTAIN HILLS UNIFIED SCHOOL DISTRICT" } },
	  350, "FOUNTAIN HILLS", 33.60, -111.72 },
	{ "CAVE CREEK", 1, { 85331 },
	  { { "CAVE CREEK UNIFIED #93", "CAVE CREEK UNIFIED SCHOOL DISTRICT" },
	    { "CAVE CREEK UNIFIED #93", "CAVE CREEK UNIFIED SCHOOL DISTRICT" } },
	  360, "CAVE CREEK", 33.83, -111.95 },
	{ "SUN CITY", 2, { 85351, 85373 },
	  { { "PEORIA UNIFIED #11", "PEORIA UNIFIED SCHOOL DISTRICT" },
	    { "DYSART UNIFIED #89", "DYSART UNIFIED SCHOOL DISTRICT" } },
	  200, "COUNTY", 33.60, -112.27 },
};

/* SMITH and the next few are frequent enough to page a small county's search. */
struct weighted {
	const char *s;
	int w;
};

static const struct weighted common_surnames[] = {
	{ "SMITH", 50 }, { "JOHNSON", 25 }, { "GARCIA", 25 }, { "WILLIAMS", 20 },
	{ "BROWN", 20 }, { "MARTINEZ", 20 }, { "JONES", 20 },
};
#define COMMON_WEIGHT 180
#define OTHER_WEIGHT 720

static const char *const surnames[] = {
	"MILLER", "DAVIS", "RODRIGUEZ", "HERNANDEZ", "LOPEZ", "GONZALEZ",
	"WILSON", "ANDERSON", "THOMAS", "TAYLOR", "MOORE", "JACKSON", "MARTIN",
	"LEE", "PEREZ", "THOMPSON", "WHITE", "HARRIS", "SANCHEZ", "CLARK",
	"RAMIREZ", "LEWIS", "ROBINSON", "WALKER", "YOUNG", "ALLEN", "KING",
	"WRIGHT", "SCOTT", "TORRES", "NGUYEN", "HILL", "FLORES", "GREEN",
	"ADAMS", "NELSON", "BAKER", "HALL", "RIVERA", "CAMPBELL", "MITCHELL",
	"CARTER", "ROBERTS", "GOMEZ", "PHILLIPS", "EVANS", "TURNER", "DIAZ",
	"PARKER", "CRUZ", "EDWARDS", "COLLINS", "REYES", "STEWART", "MORRIS",
	"MORALES", "MURPHY", "COOK", "ROGERS", "GUTIERREZ", "ORTIZ", "MORGAN",
	"COOPER", "PETERSON", "BAILEY", "REED", "KELLY", "HOWARD", "RAMOS",
	"KIM", "COX", "WARD", "RICHARDSON", "WATSON", "BROOKS", "CHAVEZ",
	"WOOD", "JAMES", "BENNETT", "GRAY", "MENDOZA", "RUIZ", "HUGHES",
	"PRICE", "ALVAREZ", "CASTILLO", "SANDERS", "PATEL", "MYERS", "LONG",
	"ROSS", "FOSTER", "JIMENEZ", "OKAFOR", "SCHMIDT", "OLSON", "YAZZIE",
};

static const char *const first_names[] = {
	"JOHN", "MARIA", "JOSE", "MARY", "JAMES", "PATRICIA", "ROBERT",
	"JENNIFER", "MICHAEL", "LINDA", "WILLIAM", "ELIZABETH", "DAVID",
	"BARBARA", "RICHARD", "SUSAN", "JOSEPH", "JESSICA", "THOMAS", "SARAH",
	"CHARLES", "KAREN", "DANIEL", "NANCY", "MATTHEW", "LISA", "ANTHONY",
	"BETTY", "MARK", "MARGARET", "DONALD", "SANDRA", "STEVEN", "ASHLEY",
	"PAUL", "KIMBERLY", "ANDREW", "EMILY", "JUAN", "CARMEN", "LUIS", "ROSA",
	"KEVIN", "DONNA", "BRIAN", "MICHELLE", "GEORGE", "CAROL", "EDWARD",
	"AMANDA", "RONALD", "MELISSA", "TIMOTHY", "DEBORAH", "JASON",
	"STEPHANIE", "JEFFREY", "REBECCA", "RYAN", "LAURA", "GARY", "HELEN",
	"NICHOLAS", "ANNA", "ERIC", "GLORIA", "JACOB", "DIANE", "MIGUEL", "ANA",
};

static const char *const company_words[] = {
	"DESERT", "SONORAN", "CACTUS", "MESQUITE", "SAGUARO", "CAMELBACK",
	"PALO VERDE", "COPPER STATE", "SUN VALLEY", "PINNACLE", "HORIZON",
	"SUPERSTITION", "SALT RIVER", "PAPAGO", "MCDOWELL", "ESTRELLA",
	"CANYON", "ARIZONA", "VALLEY", "GRAND AVENUE", "SUNBELT", "ROADRUNNER",
	"COYOTE", "OCOTILLO", "BLUE SKY", "RED ROCK", "MONSOON", "FOOTHILLS",
};

static const char *const company_kinds[] = {
	"PROPERTIES", "HOLDINGS", "INVESTMENTS", "HOMES", "REALTY", "VENTURES",
	"CAPITAL", "RENTALS", "ASSETS", "DEVELOPMENT", "PARTNERS", "LAND",
	"EQUITIES", "MANAGEMENT", "HEALTH AND WELLNESS", "BUILDERS",
};

static const char *const subdiv_first[] = {
	"PARADISE", "SUNSET", "DESERT", "MOUNTAIN", "VILLAGE", "CANYON",
	"COTTONWOOD", "SONORAN", "ARROWHEAD", "ANTHEM", "ESTRELLA", "PALM",
	"SHADOW", "RANCHO", "VISTA", "SAGUARO", "CAMELBACK", "PAPAGO",
	"SAN MARCOS", "OCOTILLO", "CORONADO", "LA JOLLA", "SIERRA", "AHWATUKEE",
};

static const char *const subdiv_second[] = {
	"VALLEY OASIS", "RIDGE", "HIGHLANDS", "ESTATES", "MEADOWS", "GROVE",
	"HEIGHTS", "TRAILS", "SPRINGS", "PARK", "VIEW", "CROSSING", "LAKES",
	"HILLS", "GARDENS", "POINTE", "RANCH", "MANOR", "SHADOWS", "FOOTHILLS",
};

static const char *const street_names[] = {
	"CAMELBACK", "INDIAN SCHOOL", "THOMAS", "MCDOWELL", "TURQUOISE",
	"CHERYL", "CINNABAR", "COTTONWOOD", "MESQUITE", "SAGUARO", "OCOTILLO",
	"PALO VERDE", "DESERT COVE", "SHEA", "CACTUS", "THUNDERBIRD", "BELL",
	"UNION HILLS", "BASELINE", "SOUTHERN", "BROADWAY", "GUADALUPE",
	"ELLIOT", "WARNER", "RAY", "PECOS", "GERMANN", "DYNAMITE", "GREENWAY",
	"SWEETWATER", "CHOLLA", "MOUNTAIN VIEW", "DUNLAP", "NORTHERN",
	"GLENDALE", "BETHANY HOME", "OSBORN", "VIRGINIA", "OAK", "PALM",
	"JOAN DE ARC", "ACOMA", "SHANGRI LA", "PARADISE", "ROSE GARDEN",
	"DEER VALLEY", "PINNACLE PEAK", "HAPPY VALLEY", "JOMAX", "CAROL",
};

static const char *const named_suffixes[] = {
	"RD", "DR", "LN", "AVE", "ST", "WAY", "CIR", "CT", "PL", "TRL",
};

static const char *const numbered_suffixes[] = { "ST", "AVE", "PL", "DR", "WAY", "LN" };

struct place {
	const char *city, *state, *zip, *country;
};

static const struct place away[] = {
	{ "DENVER", "CO", "80202", "USA" }, { "SEATTLE", "WA", "98101", "USA" },
	{ "CHICAGO", "IL", "60601", "USA" }, { "LOS ANGELES", "CA", "90012", "USA" },
	{ "SAN DIEGO", "CA", "92101", "USA" }, { "DALLAS", "TX", "75201", "USA" },
	{ "SALT LAKE CITY", "UT", "84101", "USA" }, { "PORTLAND", "OR", "97201", "USA" },
	{ "MINNEAPOLIS", "MN", "55401", "USA" }, { "LAS VEGAS", "NV", "89101", "USA" },
	{ "IRVINE", "CA", "92618", "USA" }, { "AUSTIN", "TX", "78701", "USA" },
	{ "BOISE", "ID", "83702", "USA" }, { "TUCSON", "AZ", "85701", "USA" },
	{ "CASA GRANDE", "AZ", "85122", "USA" }, { "FLAGSTAFF", "AZ", "86001", "USA" },
};

static const struct place canada[] = {
	{ "CALGARY", "AB", "T2P 1J9", "CANADA" }, { "VANCOUVER", "BC", "V6B 1A1", "CANADA" },
	{ "TORONTO", "ON", "M5V 2T6", "CANADA" }, { "EDMONTON", "AB", "T5J 0N3", "CANADA" },
};

struct use {
	const char *code, *desc;
};

static const struct use res_uses[] = {
	{ "0131", "Single Family Residence" }, { "0131", "Single Family Residence" },
	{ "0131", "Single Family Residence" }, { "0133", "SFR Grade 010-3 Urban Subdivided" },
	{ "0711", "Condominium" }, { "0741", "Townhouse" },
};
static const struct use com_uses[] = {
	{ "1100", "Retail Store" }, { "1710", "Office Building" },
	{ "1310", "Restaurant" }, { "2100", "Shopping Center" },
};
static const struct use vac_uses[] = {
	{ "0010", "Vacant Residential Land" }, { "0020", "Vacant Commercial Land" },
};
static const struct use ind_uses[] = {
	{ "3700", "Warehouse" }, { "3100", "Light Manufacturing" },
};
static const struct use agr_uses[] = {
	{ "8100", "Agricultural Land" }, { "8500", "Orchard" },
};
static const struct use exempt_use = { "9060", "Prop Tax Exe, Priv-Owned" };

static const char *const type_names[] = {
	"Residential", "Commercial", "Vacant Land", "Industrial", "Agricultural",
};

static const char *const walls[] = {
	"Bp - 8\" Painted Block", "Fs - Frame Stucco", "Fs - Frame Stucco",
	"Sb - Slump Block", "Br - Brick", "Fw - Frame Wood", "Ad - Adobe",
};
static const char *const roofs[] = {
	"As - Asphalt", "Bu - Built-Up", "Ct - Concrete Tile", "Ct - Concrete Tile",
	"St - Spanish Tile", "Wd - Wood Shake",
};
static const char *const coolings[] = {
	"RF - REFRIGERATION", "RF - REFRIGERATION", "RF - REFRIGERATION",
	"EV - EVAPORATIVE", "BO - BOTH REFRIG & EVAP",
};
static const char *const loc_factors[] = {
	"Golf Course", "Mountain View", "Lake Frontage", "Heavy Traffic", "Greenbelt",
};
static const char *const structures[] = {
	"Guest House", "Shed", "Ramada", "Workshop",
};
static const char *const loc_chars[] = {
	"Corner Lot", "Cul-de-sac", "Adjacent to Canal", "View Lot",
};
static const char *const deed_types[] = {
	"WD", "WD", "WD", "WD", "WD", "WD", "WD", "WD", "WD", "WD",
	"SW", "SW", "SW", "QC", "QC", "JT", "JT", "BD", "TD", "AF",
};

/* --- dates -------------------------------------------------------------- */

static int
days_in(int y, int m)
{
	static const int dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dim[m - 1];
}

static void
draw_date(struct cd_rng *r, int y, int *m, int *d)
{
	*m = (int)range(r, 1, 12);
	*d = (int)range(r, 1, days_in(y, *m));
}

/* --- APNs --------------------------------------------------------------- */

static char
split_letter(const struct cd_county *c, long i)
{
	struct cd_rng r;

	rng_init(&r, c->seed, (uint64_t)i, S_SPLIT);
	if (!chance(&r, 0.10))
		return '\0';
	return (char)('A' + below(&r, 4));
}

void
cd_gen_apn(const struct cd_county *c, long i, char out[CD_APN_MAX])
{
	char s = split_letter(c, i);

	/* the moduli tell the compiler the parts fit; i < CD_MAX_PARCELS anyway */
	snprintf(out, CD_APN_MAX, "%03u-%02u-%03u%.*s", (unsigned)((100 + i / 100000) % 1000),
	    (unsigned)((i / 1000) % 100), (unsigned)(i % 1000), s != '\0' ? 1 : 0, &s);
}

int
cd_apn_parse(const char *s, size_t len, char out[CD_APN_MAX])
{
	char d[8], letter = '\0';
	size_t nd = 0;
	int sep_ok = 0;

	out[0] = '\0';
	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch >= '0' && ch <= '9') {
			if (nd == 8 || letter != '\0')
				return -1;
			d[nd++] = (char)ch;
			sep_ok = nd == 3 || nd == 5;
		} else if (ch == '-' || ch == ' ' || ch == '.') {
			/* one separator, and only between book, map and item */
			if (!sep_ok)
				return -1;
			sep_ok = 0;
		} else if (isalpha(ch) && ch < 0x80) {
			if (nd != 8 || letter != '\0' || i + 1 != len)
				return -1;
			letter = (char)toupper(ch);
		} else {
			return -1;
		}
	}
	if (nd != 8)
		return -1;
	snprintf(out, CD_APN_MAX, "%.3s-%.2s-%.3s%.*s", d, d + 3, d + 5,
	    letter != '\0' ? 1 : 0, &letter);
	return 0;
}

long
cd_gen_lookup(const struct cd_county *c, const char *canon)
{
	long book, map, item, i;
	char s;

	if (strlen(canon) < 10)
		return -1;
	book = (canon[0] - '0') * 100 + (canon[1] - '0') * 10 + (canon[2] - '0');
	map = (canon[4] - '0') * 10 + (canon[5] - '0');
	item = (canon[7] - '0') * 100 + (canon[8] - '0') * 10 + (canon[9] - '0');
	if (book < 100)
		return -1;
	i = (book - 100) * 100000 + map * 1000 + item;
	if (i >= c->n)
		return -1;
	s = split_letter(c, i);
	if (s != canon[10])
		return -1;
	return i;
}

/* --- blocks: subdivisions and sections ---------------------------------- */

struct street {
	char name[40];		/* "N 29TH ST" */
	long base;		/* first house number */
};

struct block {
	int subdivided;
	long mcr;
	const struct city *city;
	int zip;
	const struct district *district;
	char subdivision[64];
	int lot_base;
	struct street street[4];
	int era;
	char tax_area[8];
	int market, neighborhood;
	double value_factor;
	double pool_rate;
	long lot_base_size;
	int count;		/* parcels in the block */
};

static const struct city *
draw_city(struct cd_rng *r)
{
	int total = 0, pick;

	for (size_t i = 0; i < NELEM(cities); i++)
		total += cities[i].weight;
	pick = (int)below(r, (unsigned long)total);
	for (size_t i = 0; i < NELEM(cities); i++) {
		if (pick < cities[i].weight)
			return &cities[i];
		pick -= cities[i].weight;
	}
	return &cities[0];
}

static const char *
ordinal(long n)
{
	if (n % 100 >= 11 && n % 100 <= 13)
		return "TH";
	switch (n % 10) {
	case 1:
		return "ST";
	case 2:
		return "ND";
	case 3:
		return "RD";
	default:
		return "TH";
	}
}

static void
draw_street(struct cd_rng *r, char *out, size_t sz)
{
	if (chance(r, 0.45)) {
		long n = range(r, 1, 99);

		/* numbered streets run north-south, so they carry N or S */
		snprintf(out, sz, "%c %ld%s %s", chance(r, 0.7) ? 'N' : 'S', n,
		    ordinal(n), PICK(r, numbered_suffixes));
	} else {
		snprintf(out, sz, "%c %s %s", chance(r, 0.5) ? 'E' : 'W',
		    PICK(r, street_names), PICK(r, named_suffixes));
	}
}

/*
 * The MCR (recorded map: book * 100 + page) of subdivision block B.  Pages
 * run 1..99 so that the number splits back into book and page.
 */
static long
block_mcr(long b)
{
	return (10 + b / 99) * 100 + 1 + b % 99;
}

static long
mcr_block(long mcr)
{
	long book = mcr / 100, page = mcr % 100;

	if (book < 10 || page == 0)
		return -1;
	return (book - 10) * 99 + page - 1;
}

static void
get_block(const struct cd_county *c, long b, struct block *k)
{
	struct cd_rng r;
	size_t nz;

	rng_init(&r, c->seed, (uint64_t)b, S_BLOCK);
	k->subdivided = chance(&r, 0.9);
	k->mcr = block_mcr(b);
	k->city = draw_city(&r);
	for (nz = 0; nz < NELEM(k->city->zips) && k->city->zips[nz] != 0; nz++)
		;
	k->zip = k->city->zips[below(&r, nz)];
	k->district = &k->city->d[below(&r, 2)];
	switch (below(&r, 4)) {
	case 0:
		snprintf(k->subdivision, sizeof(k->subdivision), "%s %s",
		    PICK(&r, subdiv_first), PICK(&r, subdiv_second));
		break;
	case 1:
		snprintf(k->subdivision, sizeof(k->subdivision), "%s %s UNIT %ld",
		    PICK(&r, subdiv_first), PICK(&r, subdiv_second), range(&r, 1, 12));
		break;
	case 2:
		snprintf(k->subdivision, sizeof(k->subdivision), "%s %s PHASE %ld",
		    PICK(&r, subdiv_first), PICK(&r, subdiv_second), range(&r, 1, 6));
		break;
	default:
		snprintf(k->subdivision, sizeof(k->subdivision), "%s %s %ld-%c",
		    PICK(&r, subdiv_first), PICK(&r, subdiv_second), range(&r, 1, 9),
		    (char)('A' + below(&r, 4)));
		break;
	}
	k->lot_base = (int)range(&r, 0, 300);
	k->era = (int)range(&r, 1950, 2023);
	snprintf(k->tax_area, sizeof(k->tax_area), "%02ld%04ld", range(&r, 1, 99),
	    range(&r, 0, 99) * 100);
	k->market = (int)range(&r, 1, 25);
	k->neighborhood = (int)range(&r, 1, 120);
	k->value_factor = 0.75 + 0.5 * unit(&r);
	k->pool_rate = 0.2 + 0.4 * unit(&r);
	k->lot_base_size = range(&r, 4500, 14000);
	k->count = (int)(c->n - b * BLOCK < BLOCK ? c->n - b * BLOCK : BLOCK);

	rng_init(&r, c->seed, (uint64_t)b, S_STREETS);
	for (int i = 0; i < 4; i++) {
		draw_street(&r, k->street[i].name, sizeof(k->street[i].name));
		k->street[i].base = range(&r, 1, 290) * 100;
	}
}

/* The section/township/range code of section block S, shifted by the seed. */
static long
str_code(const struct cd_county *c, long s)
{
	return (long)(((uint64_t)s + c->seed % NSTR) % NSTR);
}

static void
str_format(long code, char *out, size_t sz)
{
	long sec = code % 36 + 1, tr = code / 36, t = tr % 12, g = tr / 12;

	snprintf(out, sz, "%ld %ld%c %ld%c", sec, t < 8 ? t + 1 : t - 7,
	    t < 8 ? 'N' : 'S', g < 7 ? g + 1 : g - 6, g < 7 ? 'E' : 'W');
}

/* Parse "26 3N 3E" (blanks, dashes or nothing between) into a code, or -1. */
static long
str_parse(const char *s)
{
	long v[3];
	char dir[3] = { 0, 0, 0 };

	for (int part = 0; part < 3; part++) {
		char *end;

		while (*s == ' ' || *s == '-' || *s == '.' || *s == '_')
			s++;
		if (*s < '0' || *s > '9')
			return -1;
		v[part] = strtol(s, &end, 10);
		s = end;
		if (part > 0) {
			dir[part] = (char)toupper((unsigned char)*s);
			if (*s == '\0')
				return -1;
			s++;
		}
	}
	while (*s == ' ' || *s == '/')
		s++;
	if (*s != '\0' || v[0] < 1 || v[0] > 36)
		return -1;
	long t, g;

	if (dir[1] == 'N' && v[1] >= 1 && v[1] <= 8)
		t = v[1] - 1;
	else if (dir[1] == 'S' && v[1] >= 1 && v[1] <= 4)
		t = v[1] + 7;
	else
		return -1;
	if (dir[2] == 'E' && v[2] >= 1 && v[2] <= 7)
		g = v[2] - 1;
	else if (dir[2] == 'W' && v[2] >= 1 && v[2] <= 4)
		g = v[2] + 6;
	else
		return -1;
	return v[0] - 1 + 36 * (t + 12 * g);
}

/* Parcels in section blocks with CODE: blocks S, S + NSTR, S + 2 NSTR ... */
long
cd_gen_str_count(const struct cd_county *c, const char *str)
{
	long code = str_parse(str), total = 0, nsec;

	if (code < 0)
		return 0;
	nsec = (c->n + SECTION - 1) / SECTION;
	for (long s = (code - (long)(c->seed % NSTR) + NSTR) % NSTR; s < nsec; s += NSTR)
		total += c->n - s * SECTION < SECTION ? c->n - s * SECTION : SECTION;
	return total;
}

long
cd_gen_str_nth(const struct cd_county *c, const char *str, long k)
{
	long code = str_parse(str), nsec;

	if (code < 0 || k < 0)
		return -1;
	nsec = (c->n + SECTION - 1) / SECTION;
	for (long s = (code - (long)(c->seed % NSTR) + NSTR) % NSTR; s < nsec; s += NSTR) {
		long cnt = c->n - s * SECTION < SECTION ? c->n - s * SECTION : SECTION;

		if (k < cnt)
			return s * SECTION + k;
		k -= cnt;
	}
	return -1;
}

static int
block_subdivided(const struct cd_county *c, long b)
{
	struct cd_rng r;

	rng_init(&r, c->seed, (uint64_t)b, S_BLOCK);
	return chance(&r, 0.9);
}

long
cd_gen_mcr_count(const struct cd_county *c, long mcr)
{
	long b = mcr_block(mcr);

	if (b < 0 || b * BLOCK >= c->n || !block_subdivided(c, b))
		return 0;
	return c->n - b * BLOCK < BLOCK ? c->n - b * BLOCK : BLOCK;
}

long
cd_gen_mcr_nth(const struct cd_county *c, long mcr, long k)
{
	if (k < 0 || k >= cd_gen_mcr_count(c, mcr))
		return -1;
	return mcr_block(mcr) * BLOCK + k;
}

/* --- parcels ------------------------------------------------------------ */

static enum cd_ptype
draw_type(const struct cd_county *c, long i)
{
	struct cd_rng r;
	double u;

	rng_init(&r, c->seed, (uint64_t)i, S_TYPE);
	u = unit(&r);
	if (u < 0.85)
		return CD_RESIDENTIAL;
	if (u < 0.90)
		return CD_COMMERCIAL;
	if (u < 0.96)
		return CD_VACANT;
	if (u < 0.98)
		return CD_INDUSTRIAL;
	return CD_AGRICULTURAL;
}

static const char *
surname(struct cd_rng *r)
{
	int w = (int)below(r, COMMON_WEIGHT + OTHER_WEIGHT);

	for (size_t i = 0; i < NELEM(common_surnames); i++) {
		if (w < common_surnames[i].w)
			return common_surnames[i].s;
		w -= common_surnames[i].w;
	}
	return PICK(r, surnames);
}

static void
draw_owner(struct cd_rng *r, enum cd_ptype t, const struct block *k, char *out, size_t sz)
{
	double u = unit(r), company, trust;
	const char *s = surname(r), *f = PICK(r, first_names), *f2 = PICK(r, first_names);
	char m = (char)('A' + below(r, 26)), m2 = (char)('A' + below(r, 26));
	int has_m = chance(r, 0.6);

	if (t == CD_RESIDENTIAL) {
		company = 0.10;
		trust = 0.12;
	} else if (t == CD_VACANT || t == CD_AGRICULTURAL) {
		company = 0.35;
		trust = 0.10;
	} else {
		company = 0.85;
		trust = 0.05;
	}
	if (u < 0.01) {
		switch (below(r, 3)) {
		case 0:
			snprintf(out, sz, "CITY OF %s", k->city->name);
			break;
		case 1:
			snprintf(out, sz, "STATE OF ARIZONA");
			break;
		default:
			snprintf(out, sz, "MARICOPA COUNTY");
			break;
		}
	} else if (u < 0.01 + company) {
		static const char *const sfx[] = {
			"LLC", "LLC", "LLC", "LLC", "LLC", "LLC", "INC", "INC", "LP", "CORP",
		};
		const char *a = chance(r, 0.25) ? s : PICK(r, company_words);

		snprintf(out, sz, "%s %s %s", a, PICK(r, company_kinds), PICK(r, sfx));
	} else if (u < 0.01 + company + trust) {
		switch (below(r, 5)) {
		case 0:
			snprintf(out, sz, "%s FAMILY TRUST", s);
			break;
		case 1:
			snprintf(out, sz, "%s LIVING TRUST", s);
			break;
		case 2:
			snprintf(out, sz, "%s %s TR", s, f);
			break;
		case 3:
			snprintf(out, sz, "%s %s & %s TR", s, f, f2);
			break;
		default:
			snprintf(out, sz, "%s REVOCABLE TRUST", s);
			break;
		}
	} else {
		double v = unit(r);

		if (v < 0.45)
			snprintf(out, sz, "%s %s%s%.*s", s, f, has_m ? " " : "", has_m, &m);
		else if (v < 0.80)
			snprintf(out, sz, "%s %s%s%.*s & %s%s%.*s", s, f, has_m ? " " : "",
			    has_m, &m, f2, has_m ? " " : "", has_m, &m2);
		else
			snprintf(out, sz, "%s %s/%s %s", s, f, surname(r), f2);
	}
}

/* Situs street into SITUS, or "" for a parcel without an address. */
static void
draw_situs(const struct cd_county *c, long i, enum cd_ptype t, const struct block *k,
    char *situs, size_t sz)
{
	struct cd_rng r;
	const struct street *st;

	rng_init(&r, c->seed, (uint64_t)i, S_SITUS);
	if ((t == CD_VACANT || t == CD_AGRICULTURAL) && chance(&r, 0.4)) {
		situs[0] = '\0';
		return;
	}
	st = &k->street[below(&r, 4)];
	snprintf(situs, sz, "%ld %s", st->base + (i % BLOCK) * 4 + (long)below(&r, 2), st->name);
}

static void
full_address(const char *situs, const struct block *k, char *out, size_t sz)
{
	if (situs[0] == '\0')
		out[0] = '\0';
	else
		snprintf(out, sz, "%s %s, AZ %d", situs, k->city->name, k->zip);
}

/*
 * Text a careless collector would execute or mangle.  Each is kept whole by
 * a careful one; none has blanks at either end or two in a row (the truth
 * trims), and each fits its field (owner 95 bytes, mail1 63, description 95).
 */
static const struct {
	const char *owner, *mail1, *description;
} hostile[CD_NHOSTILE] = {
	{ "O'BRIEN'); DROP TABLE records;--", "1 MAIN ST'; DELETE FROM jobs;--",
	  "LOT 1 \"QUOTED\" 'SINGLE' `BACK`" },
	{ "$(touch /tmp/pwned) LLC", "$(id) PO BOX 1", "SEC 1; rm -rf / #" },
	{ "`id` SMITH JANE", "`touch /tmp/pwned`", "| cat /etc/passwd" },
	{ "%s%n%x%p TRUST", "%n%n%n%n", "100% OF %s LOT" },
	{ "BACK\\SLASH \\\\ \\N OWNER", "C:\\TEMP\\X", "\\. \\copy records TO '/tmp/x'" },
	{ "M\xc3\x9c" "LLER JOS\xc3\x89 & \xc3\x91" "AND\xc3\x9a \xe6\x9d\x8e",
	  "CALLE \xc3\x91 \xe2\x84\x96 5", "LOT \xc2\xbd \xe2\x80\x94 \xf0\x9f\x8f\xa0" },
	{ "<script>alert(1)</script> &amp; CO", "<b>1</b> &lt;ST&gt;", "]]> <!-- --> &#0;" },
	{ "\"; SELECT pg_sleep(10); --", "NULL", "${HOME} $$ ${IFS}" },
};

int
cd_gen_hostile(const struct cd_county *c, long i, const char **owner, const char **mail1,
    const char **description)
{
	*owner = *mail1 = *description = NULL;
	if (!c->hostile || i < 0 || i >= CD_NHOSTILE)
		return 0;
	*owner = hostile[i].owner;
	*mail1 = hostile[i].mail1;
	*description = hostile[i].description;
	return 1;
}

void
cd_gen_names(const struct cd_county *c, long i, char owner[96], char address[128])
{
	struct block k;
	struct cd_rng r;
	enum cd_ptype t = draw_type(c, i);
	char situs[64];
	const char *h_owner, *h_mail, *h_desc;

	get_block(c, i / BLOCK, &k);
	draw_situs(c, i, t, &k, situs, sizeof(situs));
	full_address(situs, &k, address, 128);
	if (c->rec != NULL) {
		snprintf(owner, 96, "%s", cd_recorder_owner(c->rec, i));
		return;
	}
	rng_init(&r, c->seed, (uint64_t)i, S_OWNER);
	draw_owner(&r, t, &k, owner, 96);
	if (cd_gen_hostile(c, i, &h_owner, &h_mail, &h_desc))
		snprintf(owner, 96, "%s", h_owner);
}

static void
draw_mailing(struct cd_rng *r, struct cd_parcel *p, const struct block *k, int company)
{
	double u = unit(r);
	const struct place *pl;
	char street[40];

	p->mail_country = "USA";
	p->has_mail2 = 0;
	snprintf(p->mail_state, sizeof(p->mail_state), "AZ");
	if (p->has_situs && u < (company ? 0.25 : 0.80)) {
		snprintf(p->mail1, sizeof(p->mail1), "%s", p->situs);
		snprintf(p->mail_city, sizeof(p->mail_city), "%s", k->city->name);
		snprintf(p->mail_zip, sizeof(p->mail_zip), "%s", p->zip);
		return;
	}
	u = unit(r);
	draw_street(r, street, sizeof(street));
	if (u < 0.12) {
		const struct city *ct = draw_city(r);

		snprintf(p->mail1, sizeof(p->mail1), "PO BOX %ld", range(r, 100, 99999));
		snprintf(p->mail_city, sizeof(p->mail_city), "%s", ct->name);
		snprintf(p->mail_zip, sizeof(p->mail_zip), "%d", ct->zips[0]);
		return;
	}
	snprintf(p->mail1, sizeof(p->mail1), "%ld %s", range(r, 100, 29999), street);
	if (chance(r, 0.05)) {
		p->has_mail2 = 1;
		snprintf(p->mail2, sizeof(p->mail2), "%s %ld", company ? "STE" : "APT",
		    range(r, 1, 400));
	}
	if (u < 0.55) {
		const struct city *ct = draw_city(r);

		snprintf(p->mail_city, sizeof(p->mail_city), "%s", ct->name);
		snprintf(p->mail_zip, sizeof(p->mail_zip), "%d", ct->zips[0]);
	} else if (u < 0.97) {
		pl = &PICK(r, away);
		snprintf(p->mail_city, sizeof(p->mail_city), "%s", pl->city);
		snprintf(p->mail_state, sizeof(p->mail_state), "%s", pl->state);
		snprintf(p->mail_zip, sizeof(p->mail_zip), "%s", pl->zip);
		return;
	} else {
		pl = &PICK(r, canada);
		snprintf(p->mail_city, sizeof(p->mail_city), "%s", pl->city);
		snprintf(p->mail_state, sizeof(p->mail_state), "%s", pl->state);
		snprintf(p->mail_zip, sizeof(p->mail_zip), "%s", pl->zip);
		p->mail_country = pl->country;
		return;
	}
	if (chance(r, 0.1)) {
		size_t n = strlen(p->mail_zip);

		snprintf(p->mail_zip + n, sizeof(p->mail_zip) - n, "-%04ld", range(r, 1, 9999));
	}
}

void
cd_gen_full_mailing(const struct cd_parcel *p, char *out, size_t sz)
{
	snprintf(out, sz, "%s%s%s, %s, %s %s", p->mail1, p->has_mail2 ? " " : "",
	    p->has_mail2 ? p->mail2 : "", p->mail_city, p->mail_state, p->mail_zip);
}

static long
round_to(double v, long unit_)
{
	long x = (long)(v / (double)unit_ + 0.5) * unit_;

	return x < unit_ ? unit_ : x;
}

static void
draw_values(const struct cd_county *c, struct cd_parcel *p, const struct block *k)
{
	static const int com_ratio[CD_NYEARS] = { 1650, 1700, 1750, 1750, 1800, 1800 };
	struct cd_rng r;
	double fcv;
	const struct use *old = NULL;

	rng_init(&r, c->seed, (uint64_t)p->index, S_VALUE);
	switch (p->type) {
	case CD_RESIDENTIAL:
		fcv = (double)p->res.livable * k->city->ppsf * k->value_factor *
		    (0.85 + 0.3 * unit(&r)) + (double)p->lot_size * 4;
		break;
	case CD_COMMERCIAL:
		fcv = (double)p->lot_size * (30 + 50 * unit(&r));
		break;
	case CD_INDUSTRIAL:
		fcv = (double)p->lot_size * (20 + 30 * unit(&r));
		break;
	case CD_VACANT:
		fcv = (double)p->lot_size * (3 + 12 * unit(&r));
		break;
	default:
		fcv = (double)p->lot_size * (0.5 + 2 * unit(&r));
		break;
	}
	int afcv_na = chance(&r, 0.3);

	if (chance(&r, 0.05)) {
		/* the use code changed since 2024, as on the recorded parcel */
		const struct use *u = p->type == CD_RESIDENTIAL ? &PICK(&r, res_uses) :
		    &PICK(&r, vac_uses);

		if (strcmp(u->code, p->use_code) != 0)
			old = u;
	}
	for (int y = 0; y < CD_NYEARS; y++) {
		struct cd_valuation *v = &p->val[y];

		v->year = CD_YEAR - y;
		v->fcv = round_to(fcv, 100);
		fcv /= 1 + (-0.04 + 0.20 * unit(&r));
		p->ratio[y] = p->class_code[0] == '1' ? com_ratio[y] :
		    p->class_code[0] == '2' ? 1500 : 1000;
		v->use_code = p->use_code;
		v->use_desc = p->use_desc;
		if (old != NULL && v->year <= 2024) {
			v->use_code = old->code;
			v->use_desc = old->desc;
		}
		v->source = chance(&r, 0.9) ? "Notice" : "Appeal";
		v->notice = chance(&r, 0.05) ? 'Y' : 'N';
		v->afcv_na = afcv_na;
		v->alpv_na = chance(&r, 0.02);
	}
	/* LPV may grow 5% a year and never pass the full cash value */
	double lpv = (double)p->val[CD_NYEARS - 1].fcv * (0.45 + 0.45 * unit(&r));

	for (int y = CD_NYEARS - 1; y >= 0; y--) {
		struct cd_valuation *v = &p->val[y];
		double ratio = p->ratio[y] / 10000.0;

		if (y < CD_NYEARS - 1)
			lpv = floor(lpv * 1.05 + 0.5);
		if (lpv > (double)v->fcv)
			lpv = (double)v->fcv;
		v->lpv = (long)lpv;
		v->afcv = (long)floor((double)v->fcv * ratio + 0.5);
		v->alpv = (long)floor((double)v->lpv * ratio + 0.5);
	}
	/*
	 * The tax years before the valuations come from the oldest one as
	 * generated, so that a new valuation year the clock adds (and the
	 * oldest it drops) leaves the old bills as they were.
	 */
	p->alpv_base = p->val[CD_NYEARS - 1].alpv;
	p->alpv_base_year = p->val[CD_NYEARS - 1].year;
}

static void
draw_house(const struct cd_county *c, struct cd_parcel *p, const struct block *k)
{
	static const char *const grades[] = { "CLASS R2", "CLASS R3", "CLASS R4", "CLASS R5" };
	static const char *const pe_grades[] = { "Fair", "Comparable", "Good", "Very Good" };
	struct cd_residential *h = &p->res;
	struct cd_rng r;
	double u;
	int g;

	rng_init(&r, c->seed, (uint64_t)p->index, S_HOUSE);
	h->orig_year = (int)(k->era + range(&r, -3, 3));
	if (h->orig_year > 2025)
		h->orig_year = 2025;
	h->year = h->orig_year;
	if (chance(&r, 0.1)) {
		h->year += (int)range(&r, 5, 25);
		if (h->year > 2025)
			h->year = 2025;
	}
	h->lot_size = p->lot_size;
	h->lot_size_na = chance(&r, 0.02);
	u = unit(&r);
	g = u < 0.15 ? 0 : u < 0.65 ? 1 : u < 0.93 ? 2 : 3;
	h->grade = grades[g];
	h->pe_grade = pe_grades[g];
	h->livable = range(&r, 900 + 400 * g, 1800 + 900 * g);
	h->detached = chance(&r, 0.08) ? range(&r, 300, 900) : 0;
	h->pool = chance(&r, k->pool_rate + 0.1 * g);
	h->pool_area = (int)range(&r, 250, 650);
	h->covered = (int)range(&r, 0, 2);
	h->uncovered = (int)range(&r, 0, 2);
	h->patio_type = h->covered > 0 && h->uncovered > 0 ? "Both" :
	    h->covered > 0 ? "Covered" : h->uncovered > 0 ? "Uncovered" : NULL;
	h->walls = chance(&r, 0.01) ? NULL : PICK(&r, walls);
	h->roof = PICK(&r, roofs);
	h->cooling = PICK(&r, coolings);
	h->heating = chance(&r, 0.97) ? "Yes" : "No";
	h->bath = (int)range(&r, 1 + g, 3 + 2 * g) * 3;
	h->garages = chance(&r, 0.8) ? (int)range(&r, 1, 3) : 0;
	h->carports = h->garages == 0 && chance(&r, 0.6) ? (int)range(&r, 1, 2) : 0;
	if (h->garages > 0) {
		h->park_type = "Garage";
		h->park_count = 1;
	} else if (h->carports > 0) {
		h->park_type = "Carport";
		h->park_count = 1;
	} else {
		h->park_type = "None";
		h->park_count = 0;
	}
	h->covered_parking = h->garages + h->carports > 0;
	h->loc_factors = chance(&r, 0.15) ? PICK(&r, loc_factors) : NULL;
	h->other_structures = chance(&r, 0.1) ? PICK(&r, structures) : NULL;
	h->loc_chars = chance(&r, 0.1) ? PICK(&r, loc_chars) : NULL;
	u = unit(&r);
	h->condition = u < 0.4 ? NULL : u < 0.75 ? "Average" : u < 0.9 ? "Good" :
	    u < 0.97 ? "Fair" : "Poor";
	h->flips = 0;
	for (int bit = 0; bit < 7; bit++)
		if (chance(&r, 0.15))
			h->flips |= 1u << bit;
}

/* --- countyd's clock (clock.c) ---------------------------------------------- */

static uint32_t
ymd_of(long day)
{
	int y, m, d;

	cd_civil(day, &y, &m, &d);
	return (uint32_t)(y * 10000 + m * 100 + d);
}

/* Parcel I's owner on c->asof: the end of its chain drawn to that day. */
static void
owner_on(const struct cd_county *c, long i, char *out, size_t sz)
{
	struct cd_history *h;
	long days[16];
	int ns = cd_clock_sales(c, i, c->clock_now, days, 16);

	/* no sale since that day: the owner is the recorder's */
	if (ns == 0 || days[ns - 1] <= c->asof || (h = malloc(sizeof(*h))) == NULL) {
		snprintf(out, sz, "%s", cd_recorder_owner(c->rec, i));
		return;
	}
	cd_history(c, i, NULL, c->asof, h);
	cd_copy(out, sz, h->owner);
	free(h);
}

/* Parcel I's latest deed recorded on or before DAY, or -1. */
static long
last_deed_on(const struct cd_recorder *r, long i, long day)
{
	uint32_t ymd = ymd_of(day);

	if (i < 0 || i >= r->nparcels)
		return -1;
	for (uint32_t k = r->chain_off[i + 1]; k > r->chain_off[i]; k--)
		if (r->doc[r->chain[k - 1]].ymd <= ymd)
			return (long)r->chain[k - 1];
	return -1;
}

/* The value of a valuation year with its ratio: AssessedFCV and AssessedLPV. */
static void
assess(struct cd_valuation *v, int ratio)
{
	double x = ratio / 10000.0;

	v->afcv = (long)floor((double)v->fcv * x + 0.5);
	v->alpv = (long)floor((double)v->lpv * x + 0.5);
}

/*
 * What the clock has done to parcel P by c->clock_now (or c->asof): each
 * February's new valuation year, the appeals that lower the newest, and
 * the owner's new mailing addresses, a sale's among them.
 */
static void
clock_apply(const struct cd_county *c, struct cd_parcel *p, const struct block *k,
    int company)
{
	long now = c->asof != 0 ? c->asof : c->clock_now, nv[16], av[16], ev[16], sales[16];
	int n, nn, na, x = 0, y = 0, nsales;
	struct cd_rng r;

	if (c->clock_start <= 0 || now <= c->clock_start)
		return;
	/* notices and appeals in date order: an appeal lowers the newest year */
	nn = cd_clock_notices(c, now, nv, 16);
	na = cd_clock_appeals(c, p->index, now, av, 16);
	while (x < nn || y < na) {
		int notice = y >= na || (x < nn && nv[x] <= av[y]);
		long day = notice ? nv[x++] : av[y++];

		rng_init(&r, c->seed, (uint64_t)p->index, ((uint64_t)S_VALUE << 32) |
		    (uint64_t)day);
		if (notice) {
			struct cd_valuation v = p->val[0];
			double lpv = floor((double)v.lpv * 1.05 + 0.5);
			int ratio = p->ratio[0];

			memmove(&p->val[1], &p->val[0], sizeof(p->val[0]) * (CD_NYEARS - 1));
			memmove(&p->ratio[1], &p->ratio[0], sizeof(p->ratio[0]) * (CD_NYEARS - 1));
			v.year++;
			v.fcv = round_to((double)v.fcv * (1 + (-0.04 + 0.20 * unit(&r))), 100);
			v.lpv = lpv > (double)v.fcv ? v.fcv : (long)lpv;
			v.source = "Notice";
			v.notice = 'N';
			v.alpv_na = chance(&r, 0.02);
			assess(&v, ratio);
			p->val[0] = v;
			p->ratio[0] = ratio;
		} else {
			struct cd_valuation *v = &p->val[0];

			v->fcv = round_to((double)v->fcv * (0.85 + 0.12 * unit(&r)), 100);
			if (v->lpv > v->fcv)
				v->lpv = v->fcv;
			v->source = "Appeal";
			assess(v, p->ratio[0]);
		}
	}

	/* the mailing address: the last move's, or the last buyer's */
	n = cd_clock_mailings(c, p->index, now, ev, 16);
	nsales = cd_clock_sales(c, p->index, now, sales, 16);
	long last = n > 0 ? ev[n - 1] : -1;
	int sold = nsales > 0 && sales[nsales - 1] > last;

	if (sold)
		last = sales[nsales - 1];
	if (last < 0)
		return;
	char before[160];

	snprintf(before, sizeof(before), "%s|%s|%s|%s|%s", p->mail1, p->has_mail2 ? p->mail2 : "",
	    p->mail_city, p->mail_state, p->mail_zip);
	for (int tries = 0; tries < 8; tries++) {
		char after[160];

		rng_init(&r, c->seed, (uint64_t)p->index, ((uint64_t)S_MAIL << 40) |
		    ((uint64_t)last << 4) | (uint64_t)tries);
		draw_mailing(&r, p, k, company);
		snprintf(after, sizeof(after), "%s|%s|%s|%s|%s", p->mail1,
		    p->has_mail2 ? p->mail2 : "", p->mail_city, p->mail_state, p->mail_zip);
		/* an owner who moves has a new address; a buyer may live at the old one */
		if (sold || strcmp(before, after) != 0)
			break;
	}
}

void
cd_gen_parcel(const struct cd_county *c, long i, struct cd_parcel *p)
{
	struct block k;
	struct cd_rng r;
	const struct use *use;
	const char *h_owner, *h_mail, *h_desc;
	int company, hostile_now;

	memset(p, 0, sizeof(*p));
	hostile_now = cd_gen_hostile(c, i, &h_owner, &h_mail, &h_desc);
	p->index = i;
	cd_gen_apn(c, i, p->apn);
	snprintf(p->bare, sizeof(p->bare), "%.3s%.2s%s", p->apn, p->apn + 4, p->apn + 7);
	get_block(c, i / BLOCK, &k);

	p->has_mcr = k.subdivided;
	p->mcr = k.mcr;
	p->block_count = k.subdivided ? k.count : 0;
	str_format(str_code(c, i / SECTION), p->str, sizeof(p->str));
	p->str_count = (int)cd_gen_str_count(c, p->str);
	p->city = k.city->name;
	snprintf(p->zip, sizeof(p->zip), "%d", k.zip);
	p->hs_district = k.district->hs;
	p->elem_district = k.district->elem;
	p->jurisdiction = k.city->juris;
	snprintf(p->tax_area, sizeof(p->tax_area), "%s", k.tax_area);
	snprintf(p->market, sizeof(p->market), "%02d", k.market);
	snprintf(p->neighborhood, sizeof(p->neighborhood), "%03d", k.neighborhood);

	p->type = draw_type(c, i);
	p->type_name = type_names[p->type];
	p->has_res = p->type == CD_RESIDENTIAL;

	rng_init(&r, c->seed, (uint64_t)i, S_MISC);
	if (k.subdivided) {
		snprintf(p->subdivision, sizeof(p->subdivision), "%s", k.subdivision);
		snprintf(p->description, sizeof(p->description), "%s", k.subdivision);
		if (chance(&r, 0.01))
			p->lot[0] = '\0';	/* the county does not say */
		else
			snprintf(p->lot, sizeof(p->lot), "%ld", k.lot_base + i % BLOCK + 1);
	} else {
		static const char *const parts[] = {
			"N2 SE4 NW4", "S 330F OF E2", "W 165F OF NE4", "SE4 SW4", "LOT 3 AND",
		};

		snprintf(p->description, sizeof(p->description), "%s SEC %s",
		    PICK(&r, parts), p->str);
	}
	switch (p->type) {
	case CD_RESIDENTIAL:
		p->lot_size = k.lot_base_size + range(&r, -1500, 1500);
		use = &PICK(&r, res_uses);
		break;
	case CD_COMMERCIAL:
		p->lot_size = range(&r, 10000, 200000);
		use = &PICK(&r, com_uses);
		break;
	case CD_VACANT:
		p->lot_size = range(&r, 5000, 435600);
		use = &PICK(&r, vac_uses);
		break;
	case CD_INDUSTRIAL:
		p->lot_size = range(&r, 20000, 400000);
		use = &PICK(&r, ind_uses);
		break;
	default:
		p->lot_size = range(&r, 43560, 2000000);
		use = &PICK(&r, agr_uses);
		break;
	}
	p->lot_size_na = chance(&r, 0.02);
	p->apl_flag = chance(&r, 0.7);
	p->has_geo = chance(&r, 0.7);
	p->lat = k.city->lat + (unit(&r) - 0.5) * 0.1;
	p->lon = k.city->lon + (unit(&r) - 0.5) * 0.1;
	p->conto = chance(&r, 0.97) ? "" : NULL;
	p->redacted = chance(&r, 0.02);
	int exempt = p->type == CD_RESIDENTIAL && chance(&r, 0.01);

	draw_situs(c, i, p->type, &k, p->situs, sizeof(p->situs));
	p->has_situs = p->situs[0] != '\0';
	full_address(p->situs, &k, p->address, sizeof(p->address));

	rng_init(&r, c->seed, (uint64_t)i, S_OWNER);
	draw_owner(&r, p->type, &k, p->owner, sizeof(p->owner));
	if (hostile_now)
		snprintf(p->owner, sizeof(p->owner), "%s", h_owner);
	if (c->rec != NULL && c->asof != 0)
		owner_on(c, i, p->owner, sizeof(p->owner));
	else if (c->rec != NULL)
		snprintf(p->owner, sizeof(p->owner), "%s", cd_recorder_owner(c->rec, i));
	company = strstr(p->owner, " LLC") != NULL || strstr(p->owner, " INC") != NULL ||
	    strstr(p->owner, " LP") != NULL || strstr(p->owner, " CORP") != NULL;

	rng_init(&r, c->seed, (uint64_t)i, S_MAIL);
	snprintf(p->owner_id, sizeof(p->owner_id), "%08lX-%04lX-%04lX-%04lX-%012lX",
	    (unsigned long)below(&r, 0x100000000UL), (unsigned long)below(&r, 0x10000),
	    (unsigned long)below(&r, 0x10000), (unsigned long)below(&r, 0x10000),
	    (unsigned long)below(&r, 0x1000000000000UL));
	if (chance(&r, 0.03))
		snprintf(p->in_care_of, sizeof(p->in_care_of), "%s",
		    company ? "ATTN: PROPERTY TAX DEPT" : "C/O PROPERTY MANAGER");
	draw_mailing(&r, p, &k, company);
	if (hostile_now) {
		snprintf(p->mail1, sizeof(p->mail1), "%s", h_mail);
		snprintf(p->description, sizeof(p->description), "%s", h_desc);
	}

	if (exempt) {
		use = &exempt_use;
		p->class_code = "2.R";
		p->class_text = "AG / VACANT LAND / NON-PROFIT R/P";
	} else if (p->type == CD_RESIDENTIAL) {
		int away_ = strcmp(p->mail1, p->situs) != 0;

		p->is_rental = company || (away_ && chance(&r, 0.6));
		p->class_code = p->is_rental ? "4.1" : "3";
		p->class_text = p->is_rental ? "NON-PRIMARY RESIDENCE" : "PRIMARY RESIDENCE";
	} else if (p->type == CD_COMMERCIAL) {
		p->class_code = "1.12";
		p->class_text = "COMMERCIAL";
	} else if (p->type == CD_INDUSTRIAL) {
		p->class_code = "1.13";
		p->class_text = "INDUSTRIAL";
	} else {
		p->class_code = "2.R";
		p->class_text = "AG / VACANT LAND / NON-PROFIT R/P";
	}
	p->use_code = use->code;
	p->use_desc = use->desc;

	if (p->has_res)
		draw_house(c, p, &k);
	else
		p->res.livable = 0;
	draw_values(c, p, &k);

	rng_init(&r, c->seed, (uint64_t)i, S_DEED);
	if (c->rec != NULL) {
		/* the end of the parcel's chain of owners */
		long d = c->asof != 0 ? last_deed_on(c->rec, i, c->asof) :
		    cd_recorder_last_deed(c->rec, i);

		if (d >= 0) {
			const struct cd_rdoc *doc = &c->rec->doc[d];

			/* a deed of the clock's: its own draws, whatever came before */
			if (c->clock_start > 0 && doc->ymd > ymd_of(c->clock_start))
				rng_init(&r, c->seed, (uint64_t)i ^ (doc->number << 24), S_DEED);

			p->deed_y = (int)(doc->ymd / 10000);
			p->deed_m = (int)(doc->ymd / 100 % 100);
			p->deed_d = (int)(doc->ymd % 100);
			snprintf(p->deed, sizeof(p->deed), "%" PRIu64, doc->number);
			p->deed_suffix = cd_recorder_suffix(c->rec, doc);
			p->deed_type = cd_code_deed_type(doc->code);
			/* a price where the deed was a sale */
			p->has_sale = chance(&r, 0.75) && (doc->code == CD_C_WAR ||
			    doc->code == CD_C_SPEC || doc->code == CD_C_JNT ||
			    doc->code == CD_C_TRST_DEED || doc->code == CD_C_DEED);
		} else {
			p->deed_y = p->deed_m = p->deed_d = 0;
			p->deed_suffix = "";
			p->deed_type = "";
			p->has_sale = 0;
		}
	} else {
		p->deed_y = 2025 - (int)floor(45 * pow(unit(&r), 2.0));
		if (p->has_res && p->deed_y < p->res.orig_year)
			p->deed_y = (int)range(&r, p->res.orig_year, 2025);	/* no sale before the house */
		draw_date(&r, p->deed_y, &p->deed_m, &p->deed_d);
		/* recording numbers grow through the year, as the recorder's do */
		snprintf(p->deed, sizeof(p->deed), "%04d%07ld", p->deed_y,
		    ((p->deed_m - 1) * 31 + p->deed_d - 1) * 2700L + range(&r, 0, 2699));
		p->deed_type = PICK(&r, deed_types);
		p->deed_suffix = "";
		p->has_sale = chance(&r, 0.6);
	}
	if (p->has_sale) {
		double price = (double)p->val[0].fcv * (1.0 + 0.2 * unit(&r)) /
		    pow(1.06, CD_YEAR - p->deed_y);

		p->sale_price = round_to(price, 500);
		p->sale_pad = chance(&r, 0.25);
		p->sale_y = p->deed_y;
		p->sale_m = p->deed_m;
		p->sale_d = p->deed_d;
		if (chance(&r, 0.4) && p->sale_d > 10)
			p->sale_d -= (int)range(&r, 1, 10);
	}

	clock_apply(c, p, &k, company);

	rng_init(&r, c->seed, (uint64_t)i, S_SIMILAR);
	if (p->has_res && k.count > 1) {
		long base = (i / BLOCK) * BLOCK;
		int want = (int)range(&r, 2, 5);

		for (int tries = 0; tries < 20 && p->nsimilar < want; tries++) {
			long j = base + (long)below(&r, (unsigned long)k.count);
			int dup = j == i || draw_type(c, j) != CD_RESIDENTIAL;

			for (int s = 0; s < p->nsimilar; s++)
				dup |= p->similar[s] == j;
			if (!dup)
				p->similar[p->nsimilar++] = j;
		}
	}
}

void
cd_gen_sketch(const struct cd_county *c, long i, unsigned char *out)
{
	static const unsigned char png[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	struct cd_rng r;
	size_t n = c->sketch_bytes, j = 0;

	rng_init(&r, c->seed, (uint64_t)i, S_SKETCH);
	for (; j < n && j < sizeof(png); j++)
		out[j] = png[j];
	while (j < n) {
		uint64_t v = next(&r);

		for (int b = 0; b < 8 && j < n; b++, v >>= 8)
			out[j++] = (unsigned char)v;
	}
}

/* --- draws and names for the other modules ------------------------------ */

void
cd_rng_init(struct cd_rng *r, uint64_t seed, uint64_t key, uint64_t stream)
{
	rng_init(r, seed, key, stream);
}

uint64_t
cd_rng_next(struct cd_rng *r)
{
	return next(r);
}

unsigned long
cd_rng_below(struct cd_rng *r, unsigned long n)
{
	return below(r, n);
}

double
cd_rng_unit(struct cd_rng *r)
{
	return unit(r);
}

int
cd_rng_chance(struct cd_rng *r, double p)
{
	return chance(r, p);
}

long
cd_rng_range(struct cd_rng *r, long lo, long hi)
{
	return range(r, lo, hi);
}

void
cd_gen_other_owner(struct cd_rng *r, char *out, size_t sz)
{
	struct block k;

	memset(&k, 0, sizeof(k));
	k.city = draw_city(r);
	draw_owner(r, chance(r, 0.8) ? CD_RESIDENTIAL : CD_VACANT, &k, out, sz);
}

const char *
cd_gen_first_name(struct cd_rng *r)
{
	return PICK(r, first_names);
}

const char *
cd_gen_surname(struct cd_rng *r)
{
	return surname(r);
}

void
cd_gen_company(struct cd_rng *r, const char *sur, char *out, size_t sz)
{
	static const char *const sfx[] = {
		"LLC", "LLC", "LLC", "LLC", "LLC", "LLC", "INC", "INC", "LP", "CORP",
	};
	const char *a = chance(r, 0.25) ? sur : PICK(r, company_words);

	snprintf(out, sz, "%s %s %s", a, PICK(r, company_kinds), PICK(r, sfx));
}

void
cd_gen_base(const struct cd_county *c, long i, struct cd_base *b)
{
	/* the builders' shares of the subdivisions: a few build most of them */
	static const int share[CD_NBUILDERS] = { 40, 15, 10, 10, 8, 7, 6, 4 };
	struct block k;
	struct cd_rng r;
	int w;

	get_block(c, i / BLOCK, &k);
	b->type = draw_type(c, i);
	b->subdivided = k.subdivided;
	b->city = k.city->name;
	b->builder = -1;
	if (k.subdivided && (b->type == CD_RESIDENTIAL || b->type == CD_VACANT)) {
		rng_init(&r, c->seed, (uint64_t)(i / BLOCK), S_BUILDER);
		w = (int)below(&r, 100);
		for (b->builder = 0; b->builder < CD_NBUILDERS - 1 && w >= share[b->builder];
		    b->builder++)
			w -= share[b->builder];
	}
	if (b->type == CD_RESIDENTIAL) {
		/* draw_house()'s first draw: the house's original year */
		rng_init(&r, c->seed, (uint64_t)i, S_HOUSE);
		b->first_year = (int)(k.era + range(&r, -3, 3));
		if (b->first_year > 2025)
			b->first_year = 2025;
	} else {
		rng_init(&r, c->seed, (uint64_t)i, S_FIRST);
		b->first_year = k.era - (int)range(&r, 0, 25);
		if (b->first_year < 1950)
			b->first_year = 1950;
	}
}

/* Howard Hinnant's days_from_civil and civil_from_days. */
long
cd_days(int y, int m, int d)
{
	long yy = y - (m <= 2);
	long era = (yy >= 0 ? yy : yy - 399) / 400;
	long yoe = yy - era * 400;
	long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void
cd_civil(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}
