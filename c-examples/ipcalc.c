/*
 * ipcalc - IP math from C with libipdb.
 *
 *   ipcalc ADDRESS|NETWORK|INTERFACE...     properties of each argument
 *   ipcalc --subnets NETWORK NEW_PREFIX     the subnets at NEW_PREFIX
 *   ipcalc --collapse NETWORK...            collapse_addresses
 *   ipcalc --summarize FIRST LAST           summarize_address_range
 *   ipcalc --exclude NETWORK OTHER          NETWORK.address_exclude(OTHER)
 *
 * Everything lives on the stack: ipdb_addr / ipdb_net / ipdb_iface are plain
 * values and text goes into IPDB_TEXT_SIZE buffers. Exit status 0 on
 * success, 1 if any argument was refused (with the library's reason), 2 on
 * usage errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ipdb.h>

/* Print the failing call's status and this thread's last error message. */
static int fail(const char *what, const char *arg, int rc)
{
    char msg[512];
    size_t len = 0;
    if (ipdb_last_error(msg, sizeof msg, &len) != IPDB_OK)
        snprintf(msg, sizeof msg, "(message too long: %zu bytes)", len);
    fprintf(stderr, "ipcalc: %s '%s': %s\n  %s\n", what, arg, ipdb_status_str(rc), msg);
    return 1;
}

/* Text of an address in one style; "?" when the library refuses (it names why). */
static const char *addr_text(const ipdb_addr *a, int style, char *buf)
{
    size_t len;
    return ipdb_addr_format(a, style, buf, IPDB_TEXT_SIZE, &len) == IPDB_OK ? buf : "?";
}

static const char *net_text(const ipdb_net *n, int style, char *buf)
{
    size_t len;
    return ipdb_net_format(n, style, buf, IPDB_TEXT_SIZE, &len) == IPDB_OK ? buf : "?";
}

static void print_flags(uint32_t flags)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = {
        {IPDB_FLAG_MULTICAST, "multicast"},     {IPDB_FLAG_PRIVATE, "private"},
        {IPDB_FLAG_GLOBAL, "global"},           {IPDB_FLAG_UNSPECIFIED, "unspecified"},
        {IPDB_FLAG_RESERVED, "reserved"},       {IPDB_FLAG_LOOPBACK, "loopback"},
        {IPDB_FLAG_LINK_LOCAL, "link_local"},   {IPDB_FLAG_SITE_LOCAL, "site_local"},
        {IPDB_FLAG_IPV4_MAPPED, "ipv4_mapped"}, {IPDB_FLAG_SIXTOFOUR, "6to4"},
        {IPDB_FLAG_TEREDO, "teredo"},
    };
    printf("  %-16s", "flags");
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (flags & names[i].bit)
            printf(" %s", names[i].name);
    printf("\n");
}

static void print_embedded(const ipdb_addr *a)
{
    char t1[IPDB_TEXT_SIZE], t2[IPDB_TEXT_SIZE];
    ipdb_addr v4, server, client;
    if (ipdb_addr_ipv4_mapped(a, &v4) == IPDB_OK)
        printf("  %-16s %s\n", "ipv4_mapped", addr_text(&v4, IPDB_TEXT_COMPRESSED, t1));
    if (ipdb_addr_sixtofour(a, &v4) == IPDB_OK)
        printf("  %-16s %s\n", "sixtofour", addr_text(&v4, IPDB_TEXT_COMPRESSED, t1));
    if (ipdb_addr_teredo(a, &server, &client) == IPDB_OK)
        printf("  %-16s server %s client %s\n", "teredo", addr_text(&server, IPDB_TEXT_COMPRESSED, t1),
               addr_text(&client, IPDB_TEXT_COMPRESSED, t2));
}

/* An argument without '/' is an address; with one, an interface and its network. */
static int show(const char *arg)
{
    char t[IPDB_TEXT_SIZE];
    uint32_t flags = 0;
    int rc;

    if (!strchr(arg, '/')) {
        ipdb_addr a;
        if ((rc = ipdb_addr_parse(arg, strlen(arg), 0, &a)) != IPDB_OK)
            return fail("not an address", arg, rc);
        printf("%s\n  %-16s IPv%d\n", arg, "version", a.family);
        printf("  %-16s %s\n", "compressed", addr_text(&a, IPDB_TEXT_COMPRESSED, t));
        printf("  %-16s %s\n", "exploded", addr_text(&a, IPDB_TEXT_EXPLODED, t));
        printf("  %-16s %s\n", "reverse_pointer", addr_text(&a, IPDB_TEXT_REVERSE_POINTER, t));
        if (a.scope_id[0])
            printf("  %-16s %s\n", "scope_id", a.scope_id);
        if ((rc = ipdb_addr_flags(&a, &flags)) != IPDB_OK)
            return fail("flags", arg, rc);
        print_flags(flags);
        print_embedded(&a);
        return 0;
    }

    ipdb_iface i;
    ipdb_net n;
    ipdb_addr a;
    uint64_t count = 0;
    if ((rc = ipdb_iface_parse(arg, strlen(arg), 0, &i)) != IPDB_OK)
        return fail("not an interface or network", arg, rc);
    if ((rc = ipdb_iface_network(&i, &n)) != IPDB_OK)
        return fail("network", arg, rc);
    printf("%s\n  %-16s IPv%d\n", arg, "version", i.addr.family);
    printf("  %-16s %s\n", "address", addr_text(&i.addr, IPDB_TEXT_COMPRESSED, t));
    printf("  %-16s %s\n", "network", net_text(&n, IPDB_TEXT_WITH_PREFIXLEN, t));
    printf("  %-16s %s\n", "with_netmask", net_text(&n, IPDB_TEXT_WITH_NETMASK, t));
    printf("  %-16s %s\n", "with_hostmask", net_text(&n, IPDB_TEXT_WITH_HOSTMASK, t));
    printf("  %-16s %s\n", "exploded", net_text(&n, IPDB_TEXT_EXPLODED, t));
    if (ipdb_net_broadcast_address(&n, &a) == IPDB_OK)
        printf("  %-16s %s\n", "broadcast", addr_text(&a, IPDB_TEXT_COMPRESSED, t));
    if (ipdb_net_num_addresses(&n, &count) == IPDB_OK)
        printf("  %-16s %llu%s\n", "num_addresses", (unsigned long long)count,
               count == UINT64_MAX ? " (or more)" : "");

    /* The first usable hosts, through the lazy hosts iterator. */
    ipdb_addr_iter *hosts = NULL;
    ipdb_addr host;
    if ((rc = ipdb_net_hosts(&n, &hosts)) != IPDB_OK)
        return fail("hosts", arg, rc);
    printf("  %-16s", "hosts");
    int shown = 0;
    while ((rc = ipdb_addr_iter_next(hosts, &host)) == IPDB_OK) {
        if (shown == 3) {
            printf(" ...");
            break;
        }
        printf("%s %s", shown ? "," : "", addr_text(&host, IPDB_TEXT_COMPRESSED, t));
        shown++;
    }
    printf("%s\n", shown ? "" : " (none)");
    ipdb_addr_iter_free(hosts);
    if (rc != IPDB_OK && rc != IPDB_ITER_END)
        return fail("hosts", arg, rc);

    if ((rc = ipdb_iface_flags(&i, &flags)) != IPDB_OK)
        return fail("flags", arg, rc);
    print_flags(flags);
    print_embedded(&i.addr);
    return 0;
}

static int parse_net(const char *s, ipdb_net *out)
{
    int rc = ipdb_net_parse(s, strlen(s), 0, true, out);
    return rc == IPDB_OK ? 0 : fail("not a network", s, rc);
}

static void print_nets(const ipdb_net *nets, size_t n)
{
    char t[IPDB_TEXT_SIZE];
    for (size_t k = 0; k < n; k++)
        printf("%s\n", net_text(&nets[k], IPDB_TEXT_COMPRESSED, t));
}

static int subnets(const char *net, const char *prefix)
{
    ipdb_net n, sub;
    ipdb_net_iter *it = NULL;
    char *end;
    int64_t new_prefix = strtoll(prefix, &end, 10);
    int rc;
    if (*prefix == '\0' || *end != '\0') {
        fprintf(stderr, "ipcalc: '%s' is not a prefix length\n", prefix);
        return 2;
    }
    if (parse_net(net, &n))
        return 1;
    if ((rc = ipdb_net_subnets(&n, NULL, &new_prefix, &it)) != IPDB_OK)
        return fail("subnets of", net, rc);
    while ((rc = ipdb_net_iter_next(it, &sub)) == IPDB_OK)
        print_nets(&sub, 1);
    ipdb_net_iter_free(it);
    return rc == IPDB_ITER_END ? 0 : fail("subnets of", net, rc);
}

static int collapse(int argc, char **argv)
{
    ipdb_net *nets = calloc((size_t)argc + 1, sizeof *nets);
    size_t n = 0;
    int rc, status = 0;
    if (!nets)
        return 1;
    for (int k = 0; k < argc && !status; k++)
        status = parse_net(argv[k], &nets[k]);
    if (!status) {
        if ((rc = ipdb_net_collapse(nets, (size_t)argc, &n)) != IPDB_OK)
            status = fail("collapse", argv[0], rc);
        else
            print_nets(nets, n);
    }
    free(nets);
    return status;
}

static int summarize(const char *first, const char *last)
{
    ipdb_addr a, b;
    ipdb_net out[IPDB_SUMMARIZE_MAX];
    size_t n = 0;
    int rc;
    if ((rc = ipdb_addr_parse(first, strlen(first), 0, &a)) != IPDB_OK)
        return fail("not an address", first, rc);
    if ((rc = ipdb_addr_parse(last, strlen(last), 0, &b)) != IPDB_OK)
        return fail("not an address", last, rc);
    if ((rc = ipdb_addr_summarize(&a, &b, out, IPDB_SUMMARIZE_MAX, &n)) != IPDB_OK)
        return fail("summarize", first, rc);
    print_nets(out, n);
    return 0;
}

static int exclude(const char *net, const char *other)
{
    ipdb_net a, b, out[IPDB_EXCLUDE_MAX];
    size_t n = 0;
    int rc;
    if (parse_net(net, &a) || parse_net(other, &b))
        return 1;
    if ((rc = ipdb_net_address_exclude(&a, &b, out, IPDB_EXCLUDE_MAX, &n)) != IPDB_OK)
        return fail("address_exclude", other, rc);
    print_nets(out, n);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: ipcalc ADDRESS|NETWORK|INTERFACE...\n"
                        "       ipcalc --subnets NETWORK NEW_PREFIX | --collapse NETWORK... |\n"
                        "              --summarize FIRST LAST | --exclude NETWORK OTHER\n");
        return 2;
    }
    if (!strcmp(argv[1], "--subnets") && argc == 4)
        return subnets(argv[2], argv[3]);
    if (!strcmp(argv[1], "--collapse") && argc >= 3)
        return collapse(argc - 2, argv + 2);
    if (!strcmp(argv[1], "--summarize") && argc == 4)
        return summarize(argv[2], argv[3]);
    if (!strcmp(argv[1], "--exclude") && argc == 4)
        return exclude(argv[2], argv[3]);
    if (argv[1][0] == '-' && argv[1][1] == '-') {
        fprintf(stderr, "ipcalc: bad option or argument count for '%s'\n", argv[1]);
        return 2;
    }
    int status = 0;
    for (int k = 1; k < argc; k++)
        status |= show(argv[k]);
    return status;
}
