"""One peer measurement for benches/peers/run.sh, in its own process so
the script can take the peak RSS.

    pyroute2_dump.py iproute NETNS          # IPRoute(netns=).get_routes(AF_INET, table=254), consumed
    pyroute2_dump.py ndb NETNS EXPECTED     # NDB with a netns source, until EXPECTED routes are loaded

Prints `ms=<wall ms of the operation> rss0_kb=<RSS before it> n=<routes>`.
Imports and interpreter start-up are outside the timed part (as for the
Rust and Go peers, whose process start is outside too).
"""

import sys
import time
from socket import AF_INET

import pyroute2


def rss_kb():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    raise RuntimeError('no VmRSS')


def iproute(ns):
    # Opening the socket (entering the namespace) is timed, as ours is.
    t = time.perf_counter()
    with pyroute2.IPRoute(netns=ns) as ipr:
        routes = list(ipr.get_routes(family=AF_INET, table=254))
    return time.perf_counter() - t, len(routes)


def ndb(ns, expected):
    # NDB loads the dump into SQLite on its own thread; it is ready for
    # queries about every route once the routes table holds them all.
    t = time.perf_counter()
    db = pyroute2.NDB(sources=[{'target': 'ns', 'kind': 'netns', 'netns': ns}])
    n = 0
    deadline = t + 600
    while True:
        # db.db runs the query on NDB's own thread (SQLite's objects
        # belong to the thread that made them).
        n = db.db.fetchone(
            "SELECT count(*) FROM routes WHERE f_target = 'ns' AND f_family = 2 AND f_table = 254"
        )[0]
        if n >= expected or time.perf_counter() > deadline:
            break
        time.sleep(0.02)
    took = time.perf_counter() - t
    db.close()
    return took, n


def main():
    mode, ns = sys.argv[1], sys.argv[2]
    rss0 = rss_kb()
    if mode == 'iproute':
        took, n = iproute(ns)
    elif mode == 'ndb':
        took, n = ndb(ns, int(sys.argv[3]))
    else:
        sys.exit('mode: iproute|ndb')
    print('ms=%.3f rss0_kb=%d n=%d' % (took * 1e3, rss0, n))


main()
