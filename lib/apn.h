/*
 * apn.h - Maricopa County parcel numbers.
 *
 * Book (3 digits), map (2 digits), item (3 digits), optional split letter.
 * Accepted spellings separate the parts with dashes, spaces, dots or nothing
 * ("165-28-054", "165 28 054", "165.28.054", "16528054", "112-19-038a").
 * Canonical form: "BBB-MM-III" or "BBB-MM-IIIS" with an upper-case split letter.
 */
#ifndef PDC_APN_H
#define PDC_APN_H

#include <stddef.h>

#define PDC_APN_MAX 12		/* "BBB-MM-IIIS" and its NUL */

/*
 * Parse the LEN bytes at S (surrounding blanks allowed) into canonical form in
 * OUT.  Returns 0, or -1 when S is not an APN (wrong length, letters among the
 * digits, two split letters, NUL bytes, anything else); OUT is then "".
 */
int pdc_apn_parse(const char *s, size_t len, char out[PDC_APN_MAX]);

/* The bare form of canonical APN: "16528054", "11219038A". */
void pdc_apn_bare(const char *canon, char out[PDC_APN_MAX]);

#endif
