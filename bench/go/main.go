// go-peer: the Go peer of gchanstream's W1 and W2 (DESIGN.md, "Benchmarks").
//
// SPDX-License-Identifier: LGPL-2.1-or-later
//
//	go-peer w1 P N
//	    P producer goroutines send N int64 (0..N-1, split evenly, each range
//	    in order) into a buffered channel of capacity 1024; the consumer
//	    computes sum of x*2 over the x*2 % 3 == 0, checked against the
//	    closed form. Prints items/s.
//	go-peer w2 N
//	    One producer goroutine sends N items, sleeping 50 us between sends
//	    (time.Sleep, Go's nanosleep), each carrying its monotonic send time;
//	    the consumer records receive - send. Prints "p50 p99" in us.
//
// Plain Go, no modules and no dependencies: bench/run builds it offline
// with Debian's golang-go (GO111MODULE=off, GOCACHE in the build directory).
package main

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"sync"
	"time"
)

const capacity = 1024

func w1Expected(n int64) int64 {
	k := (n + 2) / 3 // multiples of 3 below n
	return 6 * (k * (k - 1) / 2)
}

func w1(producers, n int64) (float64, error) {
	start := time.Now()
	ch := make(chan int64, capacity)
	var wg sync.WaitGroup
	for p := int64(0); p < producers; p++ {
		from, to := n*p/producers, n*(p+1)/producers
		wg.Add(1)
		go func() {
			for i := from; i < to; i++ {
				ch <- i
			}
			wg.Done()
		}()
	}
	go func() {
		wg.Wait()
		close(ch)
	}()
	var sum int64
	for x := range ch {
		y := x * 2
		if y%3 == 0 {
			sum += y
		}
	}
	seconds := time.Since(start).Seconds()
	if sum != w1Expected(n) {
		return 0, fmt.Errorf("wrong sum %d, expected %d", sum, w1Expected(n))
	}
	return float64(n) / seconds, nil
}

func w2(n int) (string, error) {
	base := time.Now()
	ch := make(chan time.Duration, capacity)
	go func() {
		for i := 0; i < n; i++ {
			ch <- time.Since(base)
			time.Sleep(50 * time.Microsecond)
		}
		close(ch)
	}()
	lat := make([]time.Duration, 0, n)
	for sent := range ch {
		lat = append(lat, time.Since(base)-sent)
	}
	if len(lat) != n {
		return "", fmt.Errorf("received %d items, expected %d", len(lat), n)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	us := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1000 }
	return fmt.Sprintf("%.2f %.2f", us(lat[n/2]), us(lat[n*99/100])), nil
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: go-peer w1 P N\n       go-peer w2 N")
	os.Exit(2)
}

func main() {
	if len(os.Args) < 3 {
		usage()
	}
	var line string
	var err error
	switch os.Args[1] {
	case "w1":
		if len(os.Args) < 4 {
			usage()
		}
		p, e1 := strconv.ParseInt(os.Args[2], 10, 64)
		n, e2 := strconv.ParseInt(os.Args[3], 10, 64)
		if e1 != nil || e2 != nil || p < 1 || p > 64 || n < 0 {
			usage()
		}
		var v float64
		v, err = w1(p, n)
		line = fmt.Sprintf("%.0f", v)
	case "w2":
		n, e := strconv.Atoi(os.Args[2])
		if e != nil || n < 100 {
			usage()
		}
		line, err = w2(n)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-peer:", err)
		os.Exit(1)
	}
	fmt.Println(line)
}
