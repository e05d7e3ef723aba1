/*
 * t_http - pdc_http against a small HTTP/1.1 server in a thread: canned
 * answers by path, keep-alive, and the ways a transfer goes wrong.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "unit.h"

#define MAXCONN 16

struct conn {
	int fd;
	size_t n;
	char buf[4096];
};

static struct {
	int lfd, port, wake[2];
	pthread_t th;
	pthread_mutex_t mu;
	int accepted, requests;
	char last[4096];
	struct conn conns[MAXCONN];
	int nconns;
} srv = { .mu = PTHREAD_MUTEX_INITIALIZER };

static void
send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void
answer(int fd, const char *status, const char *extra, const char *body, size_t len)
{
	char head[512];

	snprintf(head, sizeof(head), "HTTP/1.1 %s\r\nContent-Length: %zu\r\n%s\r\n", status, len, extra);
	send_all(fd, head, strlen(head));
	send_all(fd, body, len);
}

/* Answer the request REQ on FD; returns 1 to close the connection after it. */
static int
handle(int fd, const char *req)
{
	static char big[5000];
	char path[256] = "";
	const char *sp = strchr(req, ' ');

	memset(big, 'x', sizeof(big));
	if (sp != NULL)
		sscanf(sp + 1, "%255s", path);
	if (strcmp(path, "/ok") == 0) {
		answer(fd, "200 OK", "Content-Type: text/plain; charset=utf-8\r\n", "hello", 5);
	} else if (strcmp(path, "/empty") == 0) {
		answer(fd, "200 OK", "", "", 0);
	} else if (strcmp(path, "/busy") == 0) {
		answer(fd, "429 Too Many Requests", "Retry-After: 7\r\n", "slow down", 9);
	} else if (strcmp(path, "/busydate") == 0) {
		char h[128];
		struct tm tm;
		time_t t = time(NULL) + 120;

		gmtime_r(&t, &tm);
		strftime(h, sizeof(h), "Retry-After: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
		answer(fd, "503 Service Unavailable", h, "later", 5);
	} else if (strcmp(path, "/redirect") == 0) {
		answer(fd, "302 Found", "Location: /ok\r\nRetry-After: 9\r\nContent-Type: text/html\r\n",
		    "", 0);
	} else if (strcmp(path, "/big") == 0) {
		answer(fd, "200 OK", "", big, sizeof(big));
		return 1;
	} else if (strcmp(path, "/bigstream") == 0) {
		/* no length: the body ends when the connection does */
		static const char head[] = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n";

		send_all(fd, head, sizeof(head) - 1);
		send_all(fd, big, sizeof(big));
		return 1;
	} else if (strcmp(path, "/short") == 0) {
		static const char head[] = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789";

		send_all(fd, head, sizeof(head) - 1);
		return 1;
	} else if (strcmp(path, "/hang") == 0) {
		return 0;	/* never answer; the client gives up */
	} else if (strcmp(path, "/setcookie") == 0) {
		answer(fd, "200 OK", "Set-Cookie: sid=abc123; Path=/\r\n", "set", 3);
	} else if (strcmp(path, "/echo") == 0) {
		answer(fd, "200 OK", "Content-Type: text/plain\r\n", req, strlen(req));
	} else {
		answer(fd, "404 Not Found", "", "no", 2);
	}
	return 0;
}

static void
drop(int i)
{
	close(srv.conns[i].fd);
	srv.conns[i] = srv.conns[--srv.nconns];
}

static void *
serve(void *arg)
{
	(void)arg;
	for (;;) {
		struct pollfd pfd[MAXCONN + 2];
		int n = 0;

		pfd[n++] = (struct pollfd){ .fd = srv.wake[0], .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = srv.lfd, .events = POLLIN };
		for (int i = 0; i < srv.nconns; i++)
			pfd[n++] = (struct pollfd){ .fd = srv.conns[i].fd, .events = POLLIN };
		if (poll(pfd, (nfds_t)n, -1) == -1)
			continue;
		if (pfd[0].revents)
			break;
		/* connections first: pfd[2 + i] matches conns[i] until one is dropped */
		for (int i = srv.nconns - 1; i >= 0; i--) {
			struct conn *c = &srv.conns[i];
			char *end;
			ssize_t r;
			int closeit = 0;

			if (!(pfd[2 + i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			r = recv(c->fd, c->buf + c->n, sizeof(c->buf) - 1 - c->n, 0);
			if (r <= 0) {
				drop(i);
				continue;
			}
			c->n += (size_t)r;
			c->buf[c->n] = '\0';
			while (!closeit && (end = strstr(c->buf, "\r\n\r\n")) != NULL) {
				size_t reqlen = (size_t)(end + 4 - c->buf);
				char req[4096];

				memcpy(req, c->buf, reqlen);
				req[reqlen] = '\0';
				memmove(c->buf, c->buf + reqlen, c->n - reqlen + 1);
				c->n -= reqlen;
				pthread_mutex_lock(&srv.mu);
				srv.requests++;
				memcpy(srv.last, req, reqlen + 1);
				pthread_mutex_unlock(&srv.mu);
				closeit = handle(c->fd, req);
			}
			if (closeit)
				drop(i);
		}
		if ((pfd[1].revents & POLLIN) && srv.nconns < MAXCONN) {
			int fd = accept(srv.lfd, NULL, NULL);

			if (fd != -1) {
				int one = 1;

				/* header and body go in two sends: no Nagle wait between them */
				setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
				srv.conns[srv.nconns++] = (struct conn){ .fd = fd };
				pthread_mutex_lock(&srv.mu);
				srv.accepted++;
				pthread_mutex_unlock(&srv.mu);
			}
		}
	}
	while (srv.nconns > 0)
		drop(0);
	return NULL;
}

static int
listen_any(int *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t slen = sizeof(sin);
	int fd;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 || listen(fd, 16) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &slen) == -1) {
		close(fd);
		return -1;
	}
	*port = ntohs(sin.sin_port);
	return fd;
}

static int
server_start(void)
{
	if ((srv.lfd = listen_any(&srv.port)) == -1 || pipe(srv.wake) == -1)
		return -1;
	return pthread_create(&srv.th, NULL, serve, NULL) == 0 ? 0 : -1;
}

static void
server_stop(void)
{
	if (write(srv.wake[1], "x", 1) != 1)
		return;
	pthread_join(srv.th, NULL);
	close(srv.lfd);
	close(srv.wake[0]);
	close(srv.wake[1]);
}

static int
count(int *what)
{
	int v;

	pthread_mutex_lock(&srv.mu);
	v = *what;
	pthread_mutex_unlock(&srv.mu);
	return v;
}

static int
last_has(const char *s)
{
	int r;

	pthread_mutex_lock(&srv.mu);
	r = strstr(srv.last, s) != NULL;
	pthread_mutex_unlock(&srv.mu);
	return r;
}

static char *
url(const char *path)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "http://127.0.0.1:%d%s", srv.port, path);
	return buf;
}

static void
test_classify(void)
{
	struct pdc_err err;

	pdc_err_clear(&err);
	is_int(pdc_http_classify(200, 0, "x", &err), 0, "classify 200");
	is_int(pdc_http_classify(204, 0, "x", &err), 0, "classify 204");
	is_int(err.kind, PDC_OK, "2xx leaves ERR alone");

	is_int(pdc_http_classify(429, 7, "assessor /parcel/165-28-054", &err), -1, "classify 429");
	is_int(err.kind, PDC_E_TRANSIENT, "429 is transient");
	ok(err.retry_after == 7, "429 keeps Retry-After");
	is_str(err.msg, "assessor /parcel/165-28-054: HTTP 429", "429 message");

	is_int(pdc_http_classify(503, 30, "x", &err), -1, "classify 503");
	is_int(err.kind, PDC_E_TRANSIENT, "503 is transient");
	ok(err.retry_after == 30, "503 keeps Retry-After");
	is_int(pdc_http_classify(500, 0, "x", &err), -1, "classify 500");
	is_int(err.kind, PDC_E_TRANSIENT, "500 is transient");
	ok(err.retry_after == 0, "no Retry-After, none kept");
	is_int(pdc_http_classify(408, 0, "x", &err), -1, "classify 408");
	is_int(err.kind, PDC_E_TRANSIENT, "408 is transient");

	is_int(pdc_http_classify(404, 5, "assessor /parcel/999-99-999", &err), -1, "classify 404");
	is_int(err.kind, PDC_E_PERMANENT, "404 is permanent");
	ok(err.retry_after == 0, "a permanent error has no Retry-After");
	is_str(err.msg, "assessor /parcel/999-99-999: HTTP 404", "404 message");
	is_int(pdc_http_classify(400, 0, "x", &err), -1, "classify 400");
	is_int(err.kind, PDC_E_PERMANENT, "400 is permanent");
	is_int(pdc_http_classify(301, 0, "x", &err), -1, "classify 301");
	is_int(err.kind, PDC_E_PERMANENT, "an unfollowed redirect is permanent");
	is_int(pdc_http_classify(0, 0, "x", &err), -1, "classify 0");
	is_int(err.kind, PDC_E_PERMANENT, "no status is permanent");
	is_int(pdc_http_classify(503, 0, NULL, NULL), -1, "classify with no ERR");
}

static void
test_get(void)
{
	struct pdc_http_opts opts = { .user_agent = "pdc-test/1", .timeout_seconds = 5 };
	struct pdc_response res;
	struct pdc_err err;
	struct pdc_http *h = pdc_http_new(&opts, &err);
	const char *hdrs[] = { "X-Test: one", "AUTHORIZATION: sekrit", NULL };
	int before;

	if (!ok(h != NULL, "new handle"))
		return;

	before = count(&srv.accepted);
	pdc_err_clear(&err);
	is_int(pdc_http_get(h, url("/ok"), NULL, &res, &err), 0, "GET /ok");
	is_int(res.status, 200, "status 200");
	is_int(res.len, 5, "body length");
	is_str(res.body, "hello", "body");
	is_str(res.content_type, "text/plain; charset=utf-8", "Content-Type captured");
	ok(res.retry_after == 0, "no Retry-After");
	ok(res.seconds > 0 && res.seconds < 5, "time taken");
	pdc_response_release(&res);
	ok(res.body == NULL && res.status == 0, "release zeroes the response");

	is_int(pdc_http_get(h, url("/ok"), NULL, &res, &err), 0, "GET /ok again");
	is_str(res.body, "hello", "second body");
	pdc_response_release(&res);
	is_int(count(&srv.accepted) - before, 1, "keep-alive: two requests, one connection");

	is_int(pdc_http_get(h, url("/empty"), NULL, &res, &err), 0, "GET an empty body");
	ok(res.body != NULL && res.body[0] == '\0' && res.len == 0, "an empty body is \"\"");
	pdc_response_release(&res);

	is_int(pdc_http_get(h, url("/echo"), hdrs, &res, &err), 0, "GET with headers");
	ok(res.body != NULL && strstr(res.body, "\r\nX-Test: one\r\n") != NULL, "custom header sent");
	ok(res.body != NULL && strstr(res.body, "\r\nUser-Agent: pdc-test/1\r\n") != NULL,
	    "user agent sent");
	ok(res.body != NULL && strstr(res.body, "Accept-Encoding: ") != NULL, "compression offered");
	pdc_response_release(&res);
	is_int(count(&srv.accepted) - before, 1, "keep-alive across four requests");

	is_int(pdc_http_get(h, url("/busy"), NULL, &res, &err), 0, "a 429 is an HTTP answer");
	is_int(res.status, 429, "status 429");
	ok(res.retry_after == 7, "Retry-After seconds captured");
	is_int(pdc_http_classify(res.status, res.retry_after, "busy", &err), -1, "classify the 429");
	ok(err.kind == PDC_E_TRANSIENT && err.retry_after == 7, "transient, after 7 s");
	pdc_response_release(&res);

	is_int(pdc_http_get(h, url("/busydate"), NULL, &res, &err), 0, "a 503 with an HTTP-date");
	is_int(res.status, 503, "status 503");
	ok(res.retry_after >= 115 && res.retry_after <= 121, "Retry-After date in seconds from now");
	pdc_response_release(&res);

	is_int(pdc_http_get(h, url("/redirect"), NULL, &res, &err), 0, "a redirect is followed");
	is_int(res.status, 200, "the final status");
	is_str(res.body, "hello", "the final body");
	is_str(res.content_type, "text/plain; charset=utf-8", "the final Content-Type");
	ok(res.retry_after == 0, "the redirect's Retry-After is forgotten");
	pdc_response_release(&res);

	is_int(pdc_http_get(h, url("/nothere"), NULL, &res, &err), 0, "a 404 is an HTTP answer");
	is_int(res.status, 404, "status 404");
	pdc_response_release(&res);

	pdc_err_clear(&err);
	is_int(pdc_http_get(h, url("/short"), hdrs, &res, &err), -1, "a body cut short fails");
	is_int(err.kind, PDC_E_TRANSIENT, "a cut body is transient");
	ok(strstr(err.msg, url("/short")) != NULL, "the message names the URL");
	ok(strstr(err.msg, "sekrit") == NULL && strstr(err.msg, "X-Test") == NULL,
	    "the message carries no header");
	pdc_response_release(&res);

	/* the handle is fine after a failure */
	is_int(pdc_http_get(h, url("/ok"), NULL, &res, &err), 0, "GET after a failure");
	is_str(res.body, "hello", "body after a failure");
	pdc_response_release(&res);

	/* cookies live in the handle until reset */
	is_int(pdc_http_get(h, url("/setcookie"), NULL, &res, &err), 0, "GET a cookie");
	pdc_response_release(&res);
	pdc_http_get(h, url("/echo"), NULL, &res, &err);
	ok(res.body != NULL && strstr(res.body, "Cookie: sid=abc123") != NULL, "the cookie is sent back");
	pdc_response_release(&res);
	pdc_http_reset_cookies(h);
	pdc_http_get(h, url("/echo"), NULL, &res, &err);
	ok(res.body != NULL && strstr(res.body, "Cookie:") == NULL, "reset forgets the cookie");
	pdc_response_release(&res);
	ok(last_has("GET /echo "), "the server saw it");

	pdc_http_free(h);
}

static void
test_limits(void)
{
	struct pdc_http_opts opts = { .max_body = 1000, .timeout_seconds = 0.3 };
	struct pdc_response res;
	struct pdc_err err;
	struct pdc_http *h = pdc_http_new(&opts, &err);
	char want[160];
	int port, fd;

	if (!ok(h != NULL, "new capped handle"))
		return;
	is_int(pdc_http_get(h, url("/big"), NULL, &res, &err), -1, "a long Content-Length fails");
	is_int(err.kind, PDC_E_PERMANENT, "too big is permanent");
	snprintf(want, sizeof(want), "%s: body larger than 1000 bytes", url("/big"));
	is_str(err.msg, want, "too big message");
	pdc_response_release(&res);

	is_int(pdc_http_get(h, url("/bigstream"), NULL, &res, &err), -1, "a long unsized body fails");
	is_int(err.kind, PDC_E_PERMANENT, "too big unsized is permanent");
	snprintf(want, sizeof(want), "%s: body larger than 1000 bytes", url("/bigstream"));
	is_str(err.msg, want, "too big unsized message");
	ok(res.len <= 1000, "no more than the cap was kept");
	pdc_response_release(&res);

	is_int(pdc_http_get(h, url("/ok"), NULL, &res, &err), 0, "a small body under the cap");
	pdc_response_release(&res);

	is_int(pdc_http_get(h, url("/hang"), NULL, &res, &err), -1, "a server that never answers");
	is_int(err.kind, PDC_E_TRANSIENT, "a timeout is transient");
	ok(strstr(err.msg, "timed out") != NULL, "timeout message");
	pdc_response_release(&res);

	/* a port that was just free: nobody listens there */
	if ((fd = listen_any(&port)) != -1)
		close(fd);
	snprintf(want, sizeof(want), "http://127.0.0.1:%d/x", port);
	is_int(pdc_http_get(h, want, NULL, &res, &err), -1, "connection refused fails");
	is_int(err.kind, PDC_E_TRANSIENT, "connection refused is transient");
	ok(strncmp(err.msg, want, strlen(want)) == 0, "refused message names the URL");
	pdc_response_release(&res);

	is_int(pdc_http_get(h, "ftp://127.0.0.1/x", NULL, &res, &err), -1, "ftp is refused");
	is_int(err.kind, PDC_E_PERMANENT, "an unsupported scheme is permanent");
	pdc_response_release(&res);

	pdc_http_free(h);

	h = pdc_http_new(NULL, &err);
	ok(h != NULL, "a handle with no options");
	pdc_http_free(h);
	pdc_http_free(NULL);
	ok(1, "free NULL");
}

int
main(void)
{
	if (pdc_http_global_init() == -1) {
		printf("Bail out! libcurl init\n");
		return 1;
	}
	if (server_start() == -1) {
		printf("Bail out! cannot start the test server\n");
		return 1;
	}
	test_classify();
	test_get();
	test_limits();
	server_stop();
	pdc_http_global_cleanup();
	return unit_done();
}
