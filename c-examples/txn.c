/*
 * txn - libipdb transactions from C, in a namespace the caller names:
 *
 *   txn NETNS_PATH DEV
 *
 * 1. A transaction on DEV: MTU 1400, address 10.77.0.1/24, a route to
 *    10.78.0.0/16 via that new address's network (works), and last a route
 *    to 10.79.0.0/16 via 192.0.2.99, a gateway no link reaches: the kernel
 *    refuses the last step, and the commit rolls everything back. Prints
 *    the review (JSON) and the error (with the kernel's extended-ack text).
 * 2. A transaction whose commit hook vetoes (MTU 1300): rolled back.
 * 3. Drop, and the id errors.
 * 4. Timed commits: a bridge with DEV as its port and a rule, committed
 *    with a one-minute timeout and rolled back at once with
 *    ipdb_pending_rollback (three steps undone); a bridge confirmed in
 *    time, then removed by a transaction.
 * 5. The database (no monitor thread: ipdb_db_process) shows DEV as before.
 *
 * Exits 0 when every status is the one expected (the caller then checks
 * with `ip -j` that the namespace is unchanged), 1 otherwise. Refuses to
 * run without a namespace path: it changes the network.
 */
#include <stdlib.h>
#include <string.h>

#include "dbprint.h"

static int failures;

#define EXPECT(call, want)                                                              \
    do {                                                                                \
        int got_ = (call);                                                              \
        if (got_ != (want)) {                                                           \
            failures++;                                                                 \
            report(#call, got_);                                                        \
            fprintf(stderr, "  (wanted %s)\n", ipdb_status_str(want));                  \
        }                                                                               \
    } while (0)

static int hook_calls;

/* A hook that vetoes with 7 when userdata points to a nonzero int. */
static int hook(void *userdata)
{
    hook_calls++;
    return *(const int *)userdata ? 7 : 0;
}

static ipdb_route_spec route(const char *dst, const char *via, const char *dev)
{
    ipdb_route_spec s;
    memset(&s, 0, sizeof s);
    if (ipdb_net_parse(dst, strlen(dst), 0, true, &s.dst) ||
        ipdb_addr_parse(via, strlen(via), 0, &s.gateway)) {
        fprintf(stderr, "bad route %s via %s\n", dst, via);
        exit(1);
    }
    snprintf(s.dev, sizeof s.dev, "%s", dev);
    return s;
}

static void print_review(const ipdb_db *db, uint64_t id)
{
    size_t need = 0;
    /* Ask for the size first, then fetch. */
    EXPECT(ipdb_txn_review(db, id, NULL, 0, &need), IPDB_BUFFER_TOO_SMALL);
    char *json = malloc(need + 1);
    size_t len = 0;
    EXPECT(ipdb_txn_review(db, id, json, need + 1, &len), IPDB_OK);
    if (len == need)
        printf("review %s\n", json);
    else
        failures++;
    free(json);
}

static void print_error(const char *what)
{
    char msg[1024];
    size_t len;
    if (ipdb_last_error(msg, sizeof msg, &len) == IPDB_OK)
        printf("%s: %s\n", what, msg);
}

int main(int argc, char **argv)
{
    if (argc != 3 || strcmp(argv[1], "-") == 0) {
        fprintf(stderr, "usage: txn NETNS_PATH DEV (a namespace made for the test)\n");
        return 1;
    }
    const char *dev = argv[2];
    size_t dev_len = strlen(dev);
    ipdb_db *db = NULL;
    int rc = ipdb_db_open(argv[1], IPDB_OPEN_NO_THREAD, &db);
    if (rc) {
        report("ipdb_db_open", rc);
        return 1;
    }

    ipdb_link before;
    EXPECT(ipdb_db_link_by_name(db, dev, dev_len, &before), IPDB_OK);

    /* 1: fails at its last step. */
    uint64_t id;
    EXPECT(ipdb_txn_begin(db, &id), IPDB_OK);
    ipdb_iface ip;
    EXPECT(ipdb_iface_parse("10.77.0.1/24", 12, 0, &ip), IPDB_OK);
    EXPECT(ipdb_txn_link_set_mtu(db, id, dev, dev_len, 1400), IPDB_OK);
    EXPECT(ipdb_txn_link_ip(db, id, dev, dev_len, true, &ip), IPDB_OK);
    ipdb_route_spec good = route("10.78.0.0/16", "10.77.0.254", dev);
    ipdb_route_spec bad = route("10.79.0.0/16", "192.0.2.99", "");
    EXPECT(ipdb_txn_route(db, id, true, &good), IPDB_OK);
    EXPECT(ipdb_txn_route(db, id, true, &bad), IPDB_OK);
    int accept = 0;
    EXPECT(ipdb_txn_add_hook(db, id, "count", 5, hook, &accept), IPDB_OK);
    print_review(db, id);
    size_t applied = 99;
    EXPECT(ipdb_txn_commit(db, id, &applied), IPDB_COMMIT_FAILED);
    print_error("commit 1");
    if (applied != 99 || hook_calls != 0) {
        fprintf(stderr, "failed commit wrote out_applied or ran the hook\n");
        failures++;
    }
    /* Committed (failed) transactions are closed. */
    EXPECT(ipdb_txn_commit(db, id, NULL), IPDB_NO_TRANSACTION);

    /* 2: vetoed by its hook after every step was applied. */
    EXPECT(ipdb_txn_begin(db, &id), IPDB_OK);
    EXPECT(ipdb_txn_link_set_mtu(db, id, dev, dev_len, 1300), IPDB_OK);
    int veto = 1;
    EXPECT(ipdb_txn_add_hook(db, id, "veto", 4, hook, &veto), IPDB_OK);
    EXPECT(ipdb_txn_commit(db, id, NULL), IPDB_HOOK_VETO);
    print_error("commit 2");
    if (hook_calls != 1) {
        fprintf(stderr, "the veto hook ran %d times\n", hook_calls);
        failures++;
    }

    /* 3: drop; bad arguments. */
    EXPECT(ipdb_txn_begin(db, &id), IPDB_OK);
    EXPECT(ipdb_txn_link_set_up(db, id, dev, dev_len, false), IPDB_OK);
    EXPECT(ipdb_txn_drop(db, id), IPDB_OK);
    EXPECT(ipdb_txn_drop(db, id), IPDB_NO_TRANSACTION);
    EXPECT(ipdb_txn_link_set_up(db, id, dev, dev_len, false), IPDB_NO_TRANSACTION);
    EXPECT(ipdb_txn_begin(db, &id), IPDB_OK);
    EXPECT(ipdb_txn_link_set_mtu(db, id, "", 0, 1400), IPDB_INVALID_ARGUMENT);
    EXPECT(ipdb_txn_link_set_mtu(db, id, "0123456789abcdef", 16, 1400), IPDB_INVALID_ARGUMENT);
    EXPECT(ipdb_txn_route(db, id, true, NULL), IPDB_NULL_PARAMETER);
    EXPECT(ipdb_txn_drop(db, id), IPDB_OK);

    /* 4: timed commits. */
    ipdb_link_spec br;
    memset(&br, 0, sizeof br);
    snprintf(br.name, sizeof br.name, "txnbr0");
    br.kind = IPDB_LINK_BRIDGE;
    ipdb_rule_spec rule;
    memset(&rule, 0, sizeof rule);
    rule.priority = 3210;
    rule.table = 100;
    EXPECT(ipdb_txn_begin(db, &id), IPDB_OK);
    EXPECT(ipdb_txn_link_create(db, id, &br), IPDB_OK);
    EXPECT(ipdb_txn_link_port(db, id, "txnbr0", 6, true, dev, dev_len), IPDB_OK);
    EXPECT(ipdb_txn_rule(db, id, true, &rule), IPDB_OK);
    ipdb_pending *pending = NULL;
    EXPECT(ipdb_txn_commit_with_timeout(db, id, 60000, &pending), IPDB_OK);
    ipdb_link l;
    EXPECT(ipdb_db_process(db, NULL), IPDB_OK);
    EXPECT(ipdb_db_link_by_name(db, "txnbr0", 6, &l), IPDB_OK);
    /* Rolled back now, not in a minute: bridge, port and rule undone. */
    uint64_t undone = 0;
    EXPECT(ipdb_pending_rollback(pending, &undone), IPDB_OK);
    if (undone != 3) {
        fprintf(stderr, "ipdb_pending_rollback undid %llu steps, not 3\n",
                (unsigned long long)undone);
        failures++;
    }
    EXPECT(ipdb_pending_confirm(pending), IPDB_NO_VALUE);
    ipdb_pending_free(pending);
    EXPECT(ipdb_db_process(db, NULL), IPDB_OK);
    EXPECT(ipdb_db_link_by_name(db, "txnbr0", 6, &l), IPDB_NO_VALUE);

    EXPECT(ipdb_txn_begin(db, &id), IPDB_OK);
    EXPECT(ipdb_txn_link_create(db, id, &br), IPDB_OK);
    EXPECT(ipdb_txn_commit_with_timeout(db, id, 10000, &pending), IPDB_OK);
    EXPECT(ipdb_pending_confirm(pending), IPDB_OK);
    EXPECT(ipdb_pending_confirm(pending), IPDB_NO_VALUE);
    ipdb_pending_free(pending);
    EXPECT(ipdb_db_process(db, NULL), IPDB_OK);
    EXPECT(ipdb_db_link_by_name(db, "txnbr0", 6, &l), IPDB_OK);
    EXPECT(ipdb_txn_begin(db, &id), IPDB_OK);
    EXPECT(ipdb_txn_link_remove(db, id, "txnbr0", 6), IPDB_OK);
    EXPECT(ipdb_txn_commit(db, id, NULL), IPDB_OK);

    /* 5: the kernel queues its notifications before it acks a request, so
     * after processing them the database has seen every step and every
     * undo: the link is as it was. */
    size_t seen = 0;
    EXPECT(ipdb_db_process(db, &seen), IPDB_OK);
    ipdb_link after;
    EXPECT(ipdb_db_link_by_name(db, dev, dev_len, &after), IPDB_OK);
    printf("mtu before %u after %u (%zu messages seen)\n", before.mtu, after.mtu, seen);
    if (after.mtu != before.mtu || seen == 0) {
        fprintf(stderr, "the database does not show the rollback\n");
        failures++;
    }

    ipdb_db_close(db);
    printf("%s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
