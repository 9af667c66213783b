/* tests/bench/checks/bench_srv.c - a minimal HTTP/1.0 responder for the checker benchmark: one
 * epoll loop on ADDR:PORT (0.0.0.0 answers every 127.x.y.z of a namespace's loopback), reads a
 * request head, answers "200 OK" with a short body and closes (HTTP/1.0, or "Connection:
 * close"), or keeps the connection open for the next request (HTTP/1.1 keep-alive). Runs until
 * killed, or for --seconds N. SIGUSR1 prints "accepted N answered M bare K" (connections
 * accepted, HTTP answers sent, connections closed by the peer without a request: TCP_CHECKs)
 * on stdout: answered + bare is the checks a checker made, whoever the checker is. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SRV_MAXFD (1 << 20)
static volatile sig_atomic_t report;
static unsigned char served[SRV_MAXFD];    /* by fd: this connection had a request */

static void on_usr1(int sig)
{
	(void)sig;
	report = 1;
}

int main(int argc, char **argv)
{
	unsigned long long accepted = 0, answered = 0, bare = 0;
	static const char resp[] = "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n";
	static const char resp11[] = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n";
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct epoll_event ev, evs[256];
	int lfd, ep, one = 1;
	char buf[4096];
	double secs = argc > 4 ? atof(argv[4]) : 0;
	time_t end;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_srv ADDR PORT [--seconds N]\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGUSR1, on_usr1);
	inet_pton(AF_INET, argv[1], &a.sin_addr);
	a.sin_port = htons((unsigned short)atoi(argv[2]));
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&a, sizeof(a)) || listen(lfd, 4096)) {
		perror("bench_srv: bind/listen");
		return 1;
	}
	ep = epoll_create1(0);
	ev.events = EPOLLIN;
	ev.data.fd = lfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	end = time(NULL) + (time_t)secs;
	for (;;) {
		int n = epoll_wait(ep, evs, 256, 1000);
		if (report) {
			report = 0;
			printf("accepted %llu answered %llu bare %llu\n", accepted, answered, bare);
			fflush(stdout);
		}
		if (secs > 0 && time(NULL) >= end)
			break;
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			if (fd == lfd) {
				int c;
				while ((c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
					accepted++;
					if (c < SRV_MAXFD)
						served[c] = 0;
					ev.events = EPOLLIN;
					ev.data.fd = c;
					epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
				}
				continue;
			}
			ssize_t r = read(fd, buf, sizeof(buf));
			if (r <= 0 && fd < SRV_MAXFD && !served[fd])
				bare++;         /* closed by the peer without a request */
			if (r > 0 && !memmem(buf, (size_t)r, "\r\n\r\n", 4))
				continue;       /* head not complete (checks send it in one segment) */
			/* HTTP/1.1 without "Connection: close": the connection stays open */
			int keep = r > 0 && memmem(buf, (size_t)r, " HTTP/1.1\r\n", 11) &&
			           !memmem(buf, (size_t)r, "Connection: close", 17);
			const char *out = keep ? resp11 : resp;
			if (r > 0 && write(fd, out, strlen(out)) < 0)
				r = -1, keep = 0;
			else if (r > 0) {
				answered++;
				if (fd < SRV_MAXFD)
					served[fd] = 1;
			}
			if (!keep)
				close(fd);
		}
	}
	return 0;
}
