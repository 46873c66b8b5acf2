/*
 * dbprint.h - printing libipdb database records in ip(8)-like words, and
 * reporting failed calls; shared by the show, monitor and txn examples.
 * Header-only (static functions) to keep each example one file to build.
 */
#ifndef IPDB_EXAMPLES_DBPRINT_H
#define IPDB_EXAMPLES_DBPRINT_H

#include <stdio.h>
#include <string.h>

#include <ipdb.h>

/* Prints "what: STATUS: last error" to stderr and returns rc. */
static inline int report(const char *what, int rc)
{
    char msg[1024];
    size_t len = 0;
    if (ipdb_last_error(msg, sizeof msg, &len) != IPDB_OK)
        strcpy(msg, "(message too long)");
    fprintf(stderr, "%s: %s: %s\n", what, ipdb_status_str(rc), msg);
    return rc;
}

/* An address as text, or "-" when absent (family 0). */
static inline const char *addr_text(const ipdb_addr *a, char buf[IPDB_TEXT_SIZE])
{
    size_t len;
    if (a->family == 0 || ipdb_addr_format(a, IPDB_TEXT_COMPRESSED, buf, IPDB_TEXT_SIZE, &len))
        return "-";
    return buf;
}

/* A prefix as text, or "-" when absent. */
static inline const char *net_text(const ipdb_net *n, char buf[IPDB_TEXT_SIZE])
{
    size_t len;
    if (n->addr.family == 0 ||
        ipdb_net_format(n, IPDB_TEXT_WITH_PREFIXLEN, buf, IPDB_TEXT_SIZE, &len))
        return "-";
    return buf;
}

/* A route's scope-less address as text (through the ipdb_addr it turns
 * into), or "-" when absent (family 0). */
static inline const char *ip_text(const ipdb_ip *ip, char buf[IPDB_TEXT_SIZE])
{
    ipdb_addr a;
    if (ip->family == 0 || ipdb_ip_to_addr(ip, &a))
        return "-";
    return addr_text(&a, buf);
}

static inline void print_link(FILE *f, const ipdb_link *l)
{
    fprintf(f, "link %u %s", l->index, l->name);
    if (l->kind[0])
        fprintf(f, " kind %s", l->kind);
    fprintf(f, " mtu %u flags 0x%x operstate %u", l->mtu, l->flags, l->operstate);
    if (l->mac_len) {
        fputs(" mac ", f);
        for (unsigned i = 0; i < l->mac_len; i++)
            fprintf(f, "%s%02x", i ? ":" : "", l->mac[i]);
    }
    if (l->master)
        fprintf(f, " master %u", l->master);
    fputc('\n', f);
}

static inline void print_address(FILE *f, const ipdb_address *a)
{
    char b[IPDB_TEXT_SIZE];
    fprintf(f, "address %s/%u dev %u scope %u", addr_text(&a->local, b), a->prefixlen, a->index,
            a->scope);
    if (a->peer.family)
        fprintf(f, " peer %s", addr_text(&a->peer, b));
    if (a->label[0])
        fprintf(f, " label %s", a->label);
    fputc('\n', f);
}

static inline void print_route(FILE *f, const ipdb_route *r)
{
    char b[IPDB_TEXT_SIZE];
    fprintf(f, "route %s/%u table %u type %u proto %u scope %u", ip_text(&r->dst, b), r->dst_len,
            r->table, r->route_type, r->protocol, r->scope);
    if (r->src.family)
        fprintf(f, " from %s/%u", ip_text(&r->src, b), r->src_len);
    if (r->gateway.family)
        fprintf(f, " via %s", ip_text(&r->gateway, b));
    if (r->oif)
        fprintf(f, " dev %u", r->oif);
    if (r->priority)
        fprintf(f, " metric %u", r->priority);
    if (r->prefsrc.family)
        fprintf(f, " src %s", ip_text(&r->prefsrc, b));
    if (r->nexthops)
        fprintf(f, " nexthops %u", r->nexthops);
    fputc('\n', f);
}

static inline void print_neighbour(FILE *f, const ipdb_neighbour *n)
{
    char b[IPDB_TEXT_SIZE];
    fprintf(f, "neighbour %s dev %u family %u state 0x%x", addr_text(&n->dst, b), n->index,
            n->family, n->state);
    if (n->lladdr_len) {
        fputs(" lladdr ", f);
        for (unsigned i = 0; i < n->lladdr_len; i++)
            fprintf(f, "%s%02x", i ? ":" : "", n->lladdr[i]);
    }
    fputc('\n', f);
}

static inline void print_rule(FILE *f, const ipdb_rule *r)
{
    char b[IPDB_TEXT_SIZE];
    fprintf(f, "rule %u family %u from %s", r->priority, r->family, net_text(&r->src, b));
    fprintf(f, " to %s action %u table %u\n", net_text(&r->dst, b), r->action, r->table);
}

#endif
