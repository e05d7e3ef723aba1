/*
 * httpd.h - the one small HTTP server of the unit tests.
 *
 * A thread on a free loopback port accepts one connection at a time, reads
 * the request's head, notes its request line in a log, hands the head to the
 * test's handler, and closes the connection once the handler has answered
 * (with httpd_answer, or with bytes of its own for a broken server):
 *
 *	static struct httpd srv;
 *	static void handle(int c, const char *req)
 *	{
 *		if (strncmp(req, "GET /a ", 7) == 0)
 *			httpd_answer(c, "200 OK", "Content-Type: text/plain\r\n", "a", 1);
 *		else
 *			httpd_answer(c, "404 Not Found", "", "", 0);
 *	}
 *	httpd_start(&srv, handle);  ... srv.port ...  httpd_stop(&srv);
 */
#ifndef PDC_TEST_HTTPD_H
#define PDC_TEST_HTTPD_H

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct httpd {
	int fd, port;
	pthread_t th;
	pthread_mutex_t mu;
	char log[65536];	/* request lines since the last httpd_take_log, one a line */
	char last[4096];	/* the last request's head */
	void (*handle)(int c, const char *req);
};

/* Write the N bytes at P to FD, stopping quietly when the client is gone. */
static inline void
httpd_send(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* Answer STATUS ("200 OK") with the header lines EXTRA (each ending in \r\n) and LEN bytes of BODY. */
static inline void
httpd_answer(int fd, const char *status, const char *extra, const char *body, size_t len)
{
	char head[1024];

	snprintf(head, sizeof(head), "HTTP/1.1 %s\r\nContent-Length: %zu\r\nConnection: close\r\n%s\r\n",
	    status, len, extra);
	httpd_send(fd, head, strlen(head));
	httpd_send(fd, body, len);
}

static inline void *
httpd_serve(void *arg)
{
	struct httpd *h = arg;

	for (;;) {
		char req[4096];
		size_t n = 0, l, have;
		int c = accept(h->fd, NULL, NULL);

		if (c == -1)
			return NULL;	/* httpd_stop closed the listener */
		/* head and body go in two sends: no Nagle wait between them */
		setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
		while (n < sizeof(req) - 1) {
			ssize_t r = recv(c, req + n, sizeof(req) - 1 - n, 0);

			if (r <= 0)
				break;
			n += (size_t)r;
			req[n] = '\0';
			if (strstr(req, "\r\n\r\n") != NULL)
				break;
		}
		req[n] = '\0';
		pthread_mutex_lock(&h->mu);
		memcpy(h->last, req, n + 1);
		l = strcspn(req, "\r\n");
		have = strlen(h->log);
		if (have + l + 2 < sizeof(h->log)) {
			memcpy(h->log + have, req, l);
			memcpy(h->log + have + l, "\n", 2);
		}
		pthread_mutex_unlock(&h->mu);
		h->handle(c, req);
		close(c);
	}
}

/* Listen on a free port of 127.0.0.1 (H->port) and serve with HANDLE.  0, or -1. */
static inline int
httpd_start(struct httpd *h, void (*handle)(int c, const char *req))
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t slen = sizeof(sin);

	memset(h, 0, sizeof(*h));
	pthread_mutex_init(&h->mu, NULL);
	h->handle = handle;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((h->fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(h->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(h->fd, 16) == -1 ||
	    getsockname(h->fd, (struct sockaddr *)&sin, &slen) == -1)
		return -1;
	h->port = ntohs(sin.sin_port);
	return pthread_create(&h->th, NULL, httpd_serve, h) == 0 ? 0 : -1;
}

static inline void
httpd_stop(struct httpd *h)
{
	/* shutdown wakes the blocked accept(); close alone may not */
	shutdown(h->fd, SHUT_RDWR);
	close(h->fd);
	pthread_join(h->th, NULL);
	pthread_mutex_destroy(&h->mu);
}

/* The request lines since the last call, into BUF; the log starts again. */
static inline void
httpd_take_log(struct httpd *h, char *buf, size_t size)
{
	size_t n;

	pthread_mutex_lock(&h->mu);
	n = strlen(h->log);
	if (n >= size)
		n = size - 1;	/* cut: the caller's BUF is the limit */
	memcpy(buf, h->log, n);
	buf[n] = '\0';
	h->log[0] = '\0';
	pthread_mutex_unlock(&h->mu);
}

/* Whether the last request's head holds S. */
static inline bool
httpd_last_has(struct httpd *h, const char *s)
{
	bool r;

	pthread_mutex_lock(&h->mu);
	r = strstr(h->last, s) != NULL;
	pthread_mutex_unlock(&h->mu);
	return r;
}

#endif
