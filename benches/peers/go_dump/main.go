// One peer measurement for benches/peers/run.sh, in its own process so
// the script can take the peak RSS: vishvananda/netlink's
// RouteListFiltered(FAMILY_V4, table 254) through a handle opened in the
// namespace.
//
//	go_dump NETNS
//
// Prints `ms=<wall ms of the operation> rss0_kb=<RSS before it> n=<routes>`.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

func rssKB() int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if line := s.Text(); strings.HasPrefix(line, "VmRSS:") {
			n, _ := strconv.Atoi(strings.Fields(line[len("VmRSS:"):])[0])
			return n
		}
	}
	panic("no VmRSS")
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go_dump NETNS")
		os.Exit(2)
	}
	rss0 := rssKB()
	// Opening the handle (entering the namespace) is timed, as ours is.
	t := time.Now()
	ns, err := netns.GetFromName(os.Args[1])
	if err != nil {
		panic(err)
	}
	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		panic(err)
	}
	routes, err := h.RouteListFiltered(netlink.FAMILY_V4, &netlink.Route{Table: 254}, netlink.RT_FILTER_TABLE)
	if err != nil {
		panic(err)
	}
	took := time.Since(t)
	h.Delete()
	ns.Close()
	fmt.Printf("ms=%.3f rss0_kb=%d n=%d\n", float64(took.Nanoseconds())/1e6, rss0, len(routes))
}
