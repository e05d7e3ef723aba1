/*
 * curlfloor - what libcurl alone costs per request: GET each URL read from
 * standard input, one per line, in order, through one easy handle that keeps
 * its connections (as a worker's handle does), bodies dropped, and print the
 * process's CPU per request:
 *
 *   curlfloor: requests N failed F user_us U sys_us S cpu_us_per_request C
 *
 *   curlfloor [HEADER]	(HEADER, say "AUTHORIZATION: token", goes with every request)
 *
 * The cookie engine is on, so a page that needs the session an earlier
 * request opened gets it.  Nothing is parsed or stored: the figure is a
 * floor under pdc's fetching, not a model of it.
 */
#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

static size_t
drop(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

static double
cpu_us(const struct timeval *tv)
{
	return tv->tv_sec * 1e6 + tv->tv_usec;
}

int
main(int argc, char *argv[])
{
	struct curl_slist *hdr = NULL;
	struct rusage r0, r1;
	char line[8192];
	long n = 0, failed = 0;
	CURL *h;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 || (h = curl_easy_init()) == NULL) {
		fprintf(stderr, "curlfloor: cannot start libcurl\n");
		return 71;
	}
	if (argc > 1)
		hdr = curl_slist_append(NULL, argv[1]);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, drop);
	curl_easy_setopt(h, CURLOPT_COOKIEFILE, "");
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	getrusage(RUSAGE_SELF, &r0);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		curl_easy_setopt(h, CURLOPT_URL, line);
		if (curl_easy_perform(h) != CURLE_OK)
			failed++;
		n++;
	}
	getrusage(RUSAGE_SELF, &r1);
	curl_easy_cleanup(h);
	curl_slist_free_all(hdr);
	curl_global_cleanup();
	double u = cpu_us(&r1.ru_utime) - cpu_us(&r0.ru_utime);
	double s = cpu_us(&r1.ru_stime) - cpu_us(&r0.ru_stime);
	printf("curlfloor: requests %ld failed %ld user_us %.0f sys_us %.0f cpu_us_per_request %.1f\n",
	    n, failed, u, s, n > 0 ? (u + s) / n : 0.0);
	return failed > 0 ? 1 : 0;
}
