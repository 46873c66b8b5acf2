/*
 * test_errors - the error paths of libipdb's C ABI, from C: NULL arguments,
 * bad UTF-8, too-small buffers, invalid structs and handles, iterator end,
 * out-pointers untouched on failure, the per-thread last error.
 *
 * Prints one line per failed check and exits 1 if any failed. Meant to run
 * under valgrind (--error-exitcode=1 --leak-check=full) as well.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <ipdb.h>

static int failures, checks;

#define CHECK(cond)                                                                     \
    do {                                                                                \
        checks++;                                                                       \
        if (!(cond)) {                                                                  \
            failures++;                                                                 \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
        }                                                                               \
    } while (0)

#define CHECK_RC(call, want)                                                            \
    do {                                                                                \
        int got_ = (call);                                                              \
        checks++;                                                                       \
        if (got_ != (want)) {                                                           \
            failures++;                                                                 \
            fprintf(stderr, "%s:%d: %s gave %s, want %s\n", __FILE__, __LINE__, #call,  \
                    ipdb_status_str(got_), ipdb_status_str(want));                      \
        }                                                                               \
    } while (0)

static const char *last_error(void)
{
    static char buf[512];
    size_t len = 0;
    if (ipdb_last_error(buf, sizeof buf, &len) != IPDB_OK)
        return "(could not read the last error)";
    return buf;
}

static ipdb_addr addr(const char *s)
{
    ipdb_addr a;
    memset(&a, 0, sizeof a);
    CHECK_RC(ipdb_addr_parse(s, strlen(s), 0, &a), IPDB_OK);
    return a;
}

static ipdb_net net(const char *s)
{
    ipdb_net n;
    memset(&n, 0, sizeof n);
    CHECK_RC(ipdb_net_parse(s, strlen(s), 0, true, &n), IPDB_OK);
    return n;
}

static void test_null_parameters(void)
{
    ipdb_addr a = addr("192.0.2.1"), out;
    ipdb_net n = net("192.0.2.0/24");
    char buf[IPDB_TEXT_SIZE];
    size_t len;
    bool yes;
    uint32_t flags;

    CHECK_RC(ipdb_addr_parse(NULL, 4, 0, &out), IPDB_NULL_PARAMETER);
    CHECK(strstr(last_error(), "'text'") != NULL);
    CHECK_RC(ipdb_addr_parse("1.2.3.4", 7, 0, NULL), IPDB_NULL_PARAMETER);
    CHECK(strstr(last_error(), "'out'") != NULL);
    CHECK_RC(ipdb_addr_format(NULL, IPDB_TEXT_COMPRESSED, buf, sizeof buf, &len), IPDB_NULL_PARAMETER);
    CHECK_RC(ipdb_addr_format(&a, IPDB_TEXT_COMPRESSED, NULL, sizeof buf, &len), IPDB_NULL_PARAMETER);
    CHECK_RC(ipdb_addr_format(&a, IPDB_TEXT_COMPRESSED, buf, sizeof buf, NULL), IPDB_NULL_PARAMETER);
    CHECK_RC(ipdb_addr_flags(&a, NULL), IPDB_NULL_PARAMETER);
    CHECK_RC(ipdb_net_flags(NULL, &flags), IPDB_NULL_PARAMETER);
    CHECK_RC(ipdb_net_contains(&n, NULL, &yes), IPDB_NULL_PARAMETER);
    CHECK_RC(ipdb_net_overlaps(&n, &n, NULL), IPDB_NULL_PARAMETER);
    CHECK_RC(ipdb_net_hosts(&n, NULL), IPDB_NULL_PARAMETER);
    CHECK_RC(ipdb_addr_iter_next(NULL, &out), IPDB_NULL_PARAMETER);
    CHECK_RC(ipdb_net_iter_next(NULL, &n), IPDB_NULL_PARAMETER);
    CHECK_RC(ipdb_net_collapse(NULL, 3, &len), IPDB_NULL_PARAMETER);
    CHECK_RC(ipdb_addr_summarize(&a, &a, NULL, 4, &len), IPDB_NULL_PARAMETER);
    CHECK_RC(ipdb_last_error(NULL, 10, &len), IPDB_NULL_PARAMETER);
    /* Freeing NULL is a no-op. */
    ipdb_addr_iter_free(NULL);
    ipdb_net_iter_free(NULL);
}

static void test_bad_utf8(void)
{
    static const char bad_text[] = {'f', 'e', '8', '0', ':', ':', '1', '%', (char)0xc3, (char)0x28};
    ipdb_addr a = addr("fe80::1"), out;
    ipdb_net n;
    ipdb_iface i;
    char buf[IPDB_TEXT_SIZE];
    size_t len;

    CHECK_RC(ipdb_addr_parse(bad_text, sizeof bad_text, 0, &out), IPDB_INVALID_UTF8);
    CHECK_RC(ipdb_net_parse(bad_text, sizeof bad_text, 0, true, &n), IPDB_INVALID_UTF8);
    CHECK_RC(ipdb_iface_parse(bad_text, sizeof bad_text, 0, &i), IPDB_INVALID_UTF8);
    CHECK_RC(ipdb_addr_format_spec(&a, bad_text, sizeof bad_text, buf, sizeof buf, &len), IPDB_INVALID_UTF8);
    /* A hand-filled scope id that is not UTF-8. */
    a.scope_id[0] = (char)0xff;
    CHECK_RC(ipdb_addr_format(&a, IPDB_TEXT_COMPRESSED, buf, sizeof buf, &len), IPDB_INVALID_UTF8);
}

static void test_short_buffers(void)
{
    ipdb_addr a = addr("2001:db8::1");
    char buf[32];
    size_t len = 0;

    memset(buf, '#', sizeof buf);
    CHECK_RC(ipdb_addr_format(&a, IPDB_TEXT_COMPRESSED, buf, 11, &len), IPDB_BUFFER_TOO_SMALL);
    CHECK(len == 11); /* strlen("2001:db8::1"); 12 bytes needed with the NUL */
    CHECK(buf[0] == '#' && buf[10] == '#');
    CHECK_RC(ipdb_addr_format(&a, IPDB_TEXT_COMPRESSED, NULL, 0, &len), IPDB_BUFFER_TOO_SMALL);
    CHECK(len == 11);
    CHECK_RC(ipdb_addr_format(&a, IPDB_TEXT_COMPRESSED, buf, len + 1, &len), IPDB_OK);
    CHECK(strcmp(buf, "2001:db8::1") == 0);

    /* Ask for the size first, then format: a wide format spec. */
    CHECK_RC(ipdb_addr_format_spec(&a, ">40s", 4, NULL, 0, &len), IPDB_BUFFER_TOO_SMALL);
    CHECK(len == 40);

    /* Arrays report the count they need. */
    ipdb_addr first = addr("192.0.2.0"), last = addr("192.0.2.130");
    ipdb_net two[2];
    memset(two, 0xab, sizeof two);
    CHECK_RC(ipdb_addr_summarize(&first, &last, two, 2, &len), IPDB_BUFFER_TOO_SMALL);
    CHECK(len == 3);
    CHECK(two[0].prefixlen == 0xab);

    /* The last error into a short buffer. */
    char tiny[4];
    CHECK_RC(ipdb_last_error(tiny, sizeof tiny, &len), IPDB_BUFFER_TOO_SMALL);
    CHECK(len > sizeof tiny);
}

static void test_invalid_values(void)
{
    ipdb_addr a = addr("10.0.0.1"), out, before;
    ipdb_net n = net("10.0.0.0/8");
    char buf[IPDB_TEXT_SIZE];
    size_t len;

    /* Out-pointers are written only on success. */
    before = out = addr("1.1.1.1");
    CHECK_RC(ipdb_addr_parse("1.2.3.04", 8, 0, &out), IPDB_VALUE_ERROR);
    CHECK(strstr(last_error(), "leading zero") != NULL);
    CHECK(memcmp(&out, &before, sizeof out) == 0);
    CHECK_RC(ipdb_addr_parse("1.2.3.04", 8, 4, &out), IPDB_ADDRESS_VALUE_ERROR);
    CHECK_RC(ipdb_addr_parse("1.2.3.4", 7, 5, &out), IPDB_INVALID_ARGUMENT);
    CHECK_RC(ipdb_net_parse("10.0.0.1/8", 10, 0, true, &n), IPDB_VALUE_ERROR);
    CHECK_RC(ipdb_net_parse("10.0.0.0/40", 11, 4, true, &n), IPDB_NETMASK_VALUE_ERROR);

    /* Hand-made structs are checked, not trusted. */
    ipdb_addr bad = a;
    bad.family = 5;
    CHECK_RC(ipdb_addr_format(&bad, IPDB_TEXT_COMPRESSED, buf, sizeof buf, &len), IPDB_INVALID_ARGUMENT);
    bad = a;
    bad.bytes[12] = 1;
    CHECK_RC(ipdb_addr_format(&bad, IPDB_TEXT_COMPRESSED, buf, sizeof buf, &len), IPDB_INVALID_ARGUMENT);
    bad = addr("fe80::1");
    memset(bad.scope_id, 'x', sizeof bad.scope_id); /* no NUL */
    CHECK_RC(ipdb_addr_format(&bad, IPDB_TEXT_COMPRESSED, buf, sizeof buf, &len), IPDB_INVALID_ARGUMENT);
    CHECK_RC(ipdb_addr_format(&a, 99, buf, sizeof buf, &len), IPDB_INVALID_ARGUMENT);
    CHECK_RC(ipdb_addr_format(&a, IPDB_TEXT_WITH_NETMASK, buf, sizeof buf, &len), IPDB_INVALID_ARGUMENT);
    ipdb_net host_bits = n;
    host_bits.addr.bytes[3] = 1;
    CHECK_RC(ipdb_net_format(&host_bits, IPDB_TEXT_COMPRESSED, buf, sizeof buf, &len), IPDB_VALUE_ERROR);
    host_bits.prefixlen = 33;
    CHECK_RC(ipdb_net_format(&host_bits, IPDB_TEXT_COMPRESSED, buf, sizeof buf, &len), IPDB_INVALID_ARGUMENT);

    /* IP math errors, by CPython class. */
    ipdb_addr top = addr("255.255.255.255");
    CHECK_RC(ipdb_addr_add(&top, 1, &out), IPDB_ADDRESS_VALUE_ERROR);
    CHECK_RC(ipdb_net_get(&n, 1 << 24, &out), IPDB_INDEX_ERROR);
    ipdb_net v6 = net("::/0");
    bool yes;
    CHECK_RC(ipdb_net_subnet_of(&n, &v6, &yes), IPDB_TYPE_ERROR);
    CHECK_RC(ipdb_addr_sixtofour(&a, &out), IPDB_NO_VALUE);
    ipdb_net mixed[2] = {n, v6};
    CHECK_RC(ipdb_net_collapse(mixed, 2, &len), IPDB_TYPE_ERROR);
    CHECK_RC(ipdb_addr_format_spec(&a, "q", 1, buf, sizeof buf, &len), IPDB_TYPE_ERROR);
    CHECK_RC(ipdb_addr_format_spec(&a, "+s", 2, buf, sizeof buf, &len), IPDB_VALUE_ERROR);
}

static void test_iterators(void)
{
    ipdb_net n = net("192.0.2.0/30");
    ipdb_addr_iter *it = NULL;
    ipdb_net_iter *nit = NULL;
    ipdb_addr a;
    ipdb_net sub;
    int count = 0;

    CHECK_RC(ipdb_net_hosts(&n, &it), IPDB_OK);
    while (ipdb_addr_iter_next(it, &a) == IPDB_OK)
        count++;
    CHECK(count == 2);
    CHECK_RC(ipdb_addr_iter_next(NULL, &a), IPDB_NULL_PARAMETER);
    CHECK_RC(ipdb_addr_iter_next(it, &a), IPDB_ITER_END);
    /* The end of an iterator is an answer, not an error: the message stays. */
    CHECK(strstr(last_error(), "'iter' is NULL") != NULL);
    /* A handle of the other type is refused. */
    CHECK_RC(ipdb_net_iter_next((ipdb_net_iter *)it, &sub), IPDB_INVALID_HANDLE);
    ipdb_addr_iter_free(it);

    int64_t bad_prefix = 7;
    CHECK_RC(ipdb_net_subnets(&n, NULL, &bad_prefix, &nit), IPDB_VALUE_ERROR);
    CHECK(nit == NULL);
    int64_t diff = 2;
    CHECK_RC(ipdb_net_subnets(&n, &diff, NULL, &nit), IPDB_OK);
    count = 0;
    while (ipdb_net_iter_next(nit, &sub) == IPDB_OK)
        count++;
    CHECK(count == 4);
    ipdb_net_iter_free(nit);
}

static void *fail_in_thread(void *arg)
{
    ipdb_addr out;
    (void)arg;
    ipdb_addr_parse("not an address", 14, 0, &out);
    return strstr(last_error(), "not an IPv4 address") ? (void *)1 : NULL;
}

static void test_last_error_is_per_thread(void)
{
    pthread_t t;
    void *ok = NULL;
    uint32_t flags;
    ipdb_addr_flags(NULL, &flags);
    CHECK(pthread_create(&t, NULL, fail_in_thread, NULL) == 0);
    CHECK(pthread_join(t, &ok) == 0);
    CHECK(ok != NULL);
    /* This thread still sees its own error. */
    CHECK(strstr(last_error(), "'addr' is NULL") != NULL);
}

static void test_status_strings(void)
{
    CHECK(strncmp(ipdb_status_str(IPDB_OK), "IPDB_OK", 7) == 0);
    CHECK(strncmp(ipdb_status_str(IPDB_BUFFER_TOO_SMALL), "IPDB_BUFFER_TOO_SMALL", 21) == 0);
    CHECK(strncmp(ipdb_status_str(-1), "IPDB_UNKNOWN", 12) == 0);
}

int main(void)
{
    test_null_parameters();
    test_bad_utf8();
    test_short_buffers();
    test_invalid_values();
    test_iterators();
    test_last_error_is_per_thread();
    test_status_strings();
    printf("test_errors: %d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
