/*
 * jsonfloor - what cJSON alone costs per record: parse and free each stored
 * JSON body (the assessor's and the recorder's answers), nothing read out of
 * the trees.  Prints one line on standard output:
 *   jsonfloor: records=N bodies=B rounds=R cjson_us=C
 * C being the fewest CPU microseconds (user+sys, this process) per record
 * over R rounds.
 *
 *   jsonfloor [-r ROUNDS] < BODIES
 *
 * BODIES holds "APN<tab>BODY" records, each ended by a NUL byte: what
 *   SELECT apn, convert_from(body, 'UTF8') FROM responses WHERE source <> 'treasurer'
 * prints with psql -tA -0 -F '<tab>'.  A record is one APN.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>

struct body {
	const char *text;
	size_t len;
};

static double
cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int
main(int argc, char *argv[])
{
	struct body *b = NULL;
	size_t nb = 0, nrec = 0, cap = 0, len;
	char *rec = NULL, last[64] = "";
	int rounds = 5, c;
	double best = -1;
	ssize_t n;

	while ((c = getopt(argc, argv, "r:")) != -1) {
		if (c != 'r' || (rounds = atoi(optarg)) < 1) {
			fprintf(stderr, "usage: jsonfloor [-r ROUNDS] < BODIES\n");
			return 64;
		}
	}
	while ((n = getdelim(&rec, &len, '\0', stdin)) > 0) {
		char *tab = strchr(rec, '\t');

		if (tab == NULL)
			continue;
		*tab = '\0';
		if (strcmp(rec, last) != 0) {
			snprintf(last, sizeof(last), "%s", rec);
			nrec++;
		}
		if (nb == cap) {
			cap = cap ? 2 * cap : 1024;
			if ((b = reallocarray(b, cap, sizeof(*b))) == NULL)
				return 71;
		}
		if ((b[nb].text = strdup(tab + 1)) == NULL)
			return 71;
		b[nb].len = strlen(b[nb].text);
		nb++;
	}
	free(rec);
	if (nrec == 0) {
		fprintf(stderr, "jsonfloor: no bodies on standard input\n");
		return 65;
	}
	for (int r = 0; r < rounds; r++) {
		double t0 = cpu_us();

		for (size_t i = 0; i < nb; i++)
			cJSON_Delete(cJSON_ParseWithLength(b[i].text, b[i].len));
		double us = (cpu_us() - t0) / nrec;
		if (best < 0 || us < best)
			best = us;
	}
	printf("jsonfloor: records=%zu bodies=%zu rounds=%d cjson_us=%.1f\n", nrec, nb, rounds, best);
	for (size_t i = 0; i < nb; i++)
		free((char *)b[i].text);
	free(b);
	return 0;
}
