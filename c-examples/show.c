/*
 * show - dump a network namespace through libipdb's database: links,
 * addresses, routes (with multipath hops), neighbours and rules from one
 * snapshot, then the longest-prefix match of each address given.
 *
 *   show [NETNS_PATH|-] [ADDR...]     ("-" or nothing: this namespace)
 *
 * Opens the database without a monitor thread (a dump needs none). Exits 0
 * on success, 1 when a call fails, 2 when an address has no route (and no call failed).
 */
#include <stdio.h>
#include <string.h>

#include "dbprint.h"

static int dump(const ipdb_db *db)
{
    ipdb_snapshot *snap = NULL;
    int rc = ipdb_db_snapshot(db, &snap);
    if (rc)
        return report("ipdb_db_snapshot", rc);

    const ipdb_link *links;
    const ipdb_address *addrs;
    const ipdb_route *routes;
    const ipdb_neighbour *neigh;
    const ipdb_rule *rules;
    size_t nl, na, nr, nn, nu;
    if ((rc = ipdb_snapshot_links(snap, &links, &nl)) ||
        (rc = ipdb_snapshot_addresses(snap, &addrs, &na)) ||
        (rc = ipdb_snapshot_routes(snap, &routes, &nr)) ||
        (rc = ipdb_snapshot_neighbours(snap, &neigh, &nn)) ||
        (rc = ipdb_snapshot_rules(snap, &rules, &nu))) {
        ipdb_snapshot_free(snap);
        return report("ipdb_snapshot_*", rc);
    }
    for (size_t i = 0; i < nl; i++)
        print_link(stdout, &links[i]);
    for (size_t i = 0; i < na; i++)
        print_address(stdout, &addrs[i]);
    for (size_t i = 0; i < nr; i++) {
        print_route(stdout, &routes[i]);
        const ipdb_route_hop *hops;
        size_t nh;
        if ((rc = ipdb_snapshot_route_hops(snap, i, &hops, &nh))) {
            ipdb_snapshot_free(snap);
            return report("ipdb_snapshot_route_hops", rc);
        }
        for (size_t h = 0; h < nh; h++) {
            char b[IPDB_TEXT_SIZE];
            printf("  nexthop via %s dev %u weight %u\n", addr_text(&hops[h].gateway, b),
                   hops[h].oif, hops[h].weight);
        }
    }
    for (size_t i = 0; i < nn; i++)
        print_neighbour(stdout, &neigh[i]);
    for (size_t i = 0; i < nu; i++)
        print_rule(stdout, &rules[i]);
    printf("counts links %zu addresses %zu routes %zu neighbours %zu rules %zu\n", nl, na, nr,
           nn, nu);
    ipdb_snapshot_free(snap);
    return 0;
}

/* Longest-prefix match in the main table; then the link it goes out of. */
static int lookup(const ipdb_db *db, const char *text)
{
    ipdb_addr a;
    int rc = ipdb_addr_parse(text, strlen(text), 0, &a);
    if (rc)
        return report(text, rc);
    ipdb_route r;
    rc = ipdb_db_route_lookup(db, 254, &a, &r);
    if (rc == IPDB_NO_VALUE) {
        printf("lookup %s: no route\n", text);
        return -1;
    }
    if (rc)
        return report("ipdb_db_route_lookup", rc);
    printf("lookup %s: ", text);
    print_route(stdout, &r);
    ipdb_link l;
    if (r.oif && ipdb_db_link_by_index(db, r.oif, &l) == IPDB_OK) {
        ipdb_link same;
        /* By name gives the same record back. */
        rc = ipdb_db_link_by_name(db, l.name, strlen(l.name), &same);
        if (rc || same.index != l.index) {
            fprintf(stderr, "link %s: by name does not match by index\n", l.name);
            return 1;
        }
        printf("lookup %s: dev %s\n", text, l.name);
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 && strcmp(argv[1], "-") != 0 ? argv[1] : NULL;
    ipdb_db *db = NULL;
    int rc = ipdb_db_open(path, IPDB_OPEN_NO_THREAD, &db);
    if (rc) {
        report("ipdb_db_open", rc);
        return 1;
    }
    int status = dump(db) ? 1 : 0;
    for (int i = 2; i < argc && status != 1; i++) {
        int r = lookup(db, argv[i]);
        if (r == -1)
            status = 2;
        else if (r)
            status = 1;
    }
    ipdb_db_close(db);
    return status;
}
