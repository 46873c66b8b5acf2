/*
 * monitor - print the changes of a network namespace as libipdb's database
 * applies them, driven by the caller's own epoll loop: the database is
 * opened with IPDB_OPEN_NO_THREAD, its fd (ipdb_db_fd) is watched, and
 * ipdb_db_process runs the callback on this thread.
 *
 *   monitor [NETNS_PATH|-] [COUNT [TIMEOUT_MS]]
 *
 * Prints "ready" once subscribed (so a test can start changing things),
 * then one line per event; exits 0 after COUNT events (default 1), 3 when
 * TIMEOUT_MS (default 10000) passes first, 1 when a call fails.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "dbprint.h"

struct counter {
    long seen;
};

static void on_event(const ipdb_event *ev, void *userdata)
{
    struct counter *c = userdata;
    c->seen++;
    const char *kind = ev->kind == IPDB_EVENT_ADD      ? "add"
                       : ev->kind == IPDB_EVENT_CHANGE ? "change"
                                                       : "del";
    printf("%s ", kind);
    if (ev->link)
        print_link(stdout, ev->link);
    else if (ev->address)
        print_address(stdout, ev->address);
    else if (ev->route)
        print_route(stdout, ev->route);
    else if (ev->neighbour)
        print_neighbour(stdout, ev->neighbour);
    else if (ev->rule)
        print_rule(stdout, ev->rule);
    else
        printf("object %u\n", ev->object);
    fflush(stdout);
}

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 && strcmp(argv[1], "-") != 0 ? argv[1] : NULL;
    long want = argc > 2 ? strtol(argv[2], NULL, 10) : 1;
    long timeout = argc > 3 ? strtol(argv[3], NULL, 10) : 10000;
    struct counter c = {0};
    ipdb_db *db = NULL;
    uint64_t id = 0;
    int fd = -1, ep = -1, status = 1, rc;

    if ((rc = ipdb_db_open(path, IPDB_OPEN_NO_THREAD, &db))) {
        report("ipdb_db_open", rc);
        return 1;
    }
    if ((rc = ipdb_db_register_callback(db, on_event, &c, &id))) {
        report("ipdb_db_register_callback", rc);
        goto out;
    }
    if ((rc = ipdb_db_fd(db, &fd))) {
        report("ipdb_db_fd", rc);
        goto out;
    }
    ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event watch = {.events = EPOLLIN, .data = {.fd = fd}};
    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &watch) < 0) {
        perror("epoll");
        goto out;
    }
    printf("ready\n");
    fflush(stdout);

    long deadline = now_ms() + timeout;
    while (c.seen < want) {
        bool more = false;
        if ((rc = ipdb_db_has_more(db, &more))) {
            report("ipdb_db_has_more", rc);
            goto out;
        }
        long left = deadline - now_ms();
        if (left <= 0) {
            fprintf(stderr, "monitor: timeout after %ld of %ld events\n", c.seen, want);
            status = 3;
            goto out;
        }
        struct epoll_event got;
        int n = more ? 1 : epoll_wait(ep, &got, 1, (int)left);
        if (n < 0 && errno != EINTR) {
            perror("epoll_wait");
            goto out;
        }
        if (n > 0 && (rc = ipdb_db_process(db, NULL))) {
            report("ipdb_db_process", rc);
            goto out;
        }
    }
    status = 0;
    if ((rc = ipdb_db_unregister_callback(db, id))) {
        report("ipdb_db_unregister_callback", rc);
        status = 1;
    } else if (ipdb_db_unregister_callback(db, id) != IPDB_NO_VALUE) {
        fprintf(stderr, "monitor: a second unregister did not give IPDB_NO_VALUE\n");
        status = 1;
    }
out:
    if (ep >= 0)
        close(ep);
    ipdb_db_close(db);
    return status;
}
