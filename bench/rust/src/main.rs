// tokio-peer: the tokio peer of gchanstream's W1 and W3 (DESIGN.md,
// "Benchmarks").
//
// SPDX-License-Identifier: LGPL-2.1-or-later
//
//   tokio-peer w1 P N [current|multi]
//       P std::thread producers send N i64 (0..N-1, split evenly, each range
//       in order) with blocking_send into tokio::sync::mpsc::channel(1024);
//       the consumer task runs ReceiverStream -> map(x * 2) ->
//       filter(x % 3 == 0) -> fold(0, +) on a current-thread (default) or
//       multi-thread runtime. Prints items/s.
//   tokio-peer w2 N [current|multi]
//       One std::thread producer sends N items with blocking_send into
//       tokio::sync::mpsc::channel(1024), sleeping 50 us between sends
//       (std::thread::sleep, a nanosleep), each item carrying its monotonic
//       send time; a consumer task on a current-thread (default) or
//       multi-thread runtime records receive - send. Prints "p50 p99" in us.
//   tokio-peer w3 STAGES N [static|boxed]
//       One thread: futures::stream::iter(0..N) -> STAGES x map(x + 1) ->
//       fold(0, +) on a current-thread runtime. Prints ns/item.
//       static (default): the stages are one monomorphised chain (the
//       idiomatic Rust form; STAGES up to 10); boxed: each stage is a
//       Box<dyn Stream>, one dynamic call per stage and item, closer to
//       gchanstream's chain of stream objects.
//
// Each map stage passes its item through std::hint::black_box, so the
// compiler can neither fuse the stages into x + STAGES nor turn the fold
// into a closed form (the C version calls through function pointers).
//
// The result is checked against the closed form; on a mismatch the program
// prints a message on stderr and exits 1.

use std::hint::black_box;
use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

use futures::future;
use futures::stream::{self, Stream, StreamExt};
use tokio::runtime::{Builder, Runtime};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

const CAPACITY: usize = 1024;

fn usage() -> ExitCode {
    eprintln!(
        "usage: tokio-peer w1 P N [current|multi]\n       tokio-peer w2 N [current|multi]\n       tokio-peer w3 STAGES N [static|boxed]"
    );
    ExitCode::from(2)
}

fn parse<T: std::str::FromStr>(arg: Option<&String>) -> Option<T> {
    arg.and_then(|s| s.parse().ok())
}

// W1

fn w1_expected(n: i64) -> i64 {
    let k = (n + 2) / 3; // multiples of 3 below n
    6 * (k * (k - 1) / 2)
}

fn w1(producers: i64, n: i64, rt: Runtime) -> Result<f64, String> {
    let start = Instant::now();
    let (tx, rx) = mpsc::channel::<i64>(CAPACITY);
    let consumer = rt.spawn(async move {
        ReceiverStream::new(rx)
            .map(|x| x * 2)
            .filter(|x| future::ready(x % 3 == 0))
            .fold(0i64, |acc, x| future::ready(acc + x))
            .await
    });
    let threads: Vec<_> = (0..producers)
        .map(|p| {
            let tx = tx.clone();
            let (from, to) = (n * p / producers, n * (p + 1) / producers);
            thread::spawn(move || {
                for i in from..to {
                    tx.blocking_send(i).expect("the receiver is gone");
                }
            })
        })
        .collect();
    drop(tx);
    let sum = rt.block_on(consumer).map_err(|e| format!("consumer failed: {e}"))?;
    for t in threads {
        t.join().map_err(|_| "a producer panicked".to_string())?;
    }
    let seconds = start.elapsed().as_secs_f64();
    if sum != w1_expected(n) {
        return Err(format!("wrong sum {sum}, expected {}", w1_expected(n)));
    }
    Ok(n as f64 / seconds)
}

// W2

fn w2(n: usize, rt: Runtime) -> Result<String, String> {
    let base = Instant::now();
    let (tx, mut rx) = mpsc::channel::<u64>(CAPACITY);
    let consumer = rt.spawn(async move {
        let mut latencies = Vec::with_capacity(n);
        while let Some(sent) = rx.recv().await {
            latencies.push(base.elapsed().as_nanos() as u64 - sent);
        }
        latencies
    });
    let producer = thread::spawn(move || {
        for _ in 0..n {
            tx.blocking_send(base.elapsed().as_nanos() as u64).expect("the receiver is gone");
            thread::sleep(Duration::from_micros(50));
        }
    });
    let mut latencies = rt.block_on(consumer).map_err(|e| format!("consumer failed: {e}"))?;
    producer.join().map_err(|_| "the producer panicked".to_string())?;
    if latencies.len() != n {
        return Err(format!("received {} items, expected {n}", latencies.len()));
    }
    latencies.sort_unstable();
    let us = |ns: u64| ns as f64 / 1000.0;
    Ok(format!("{:.2} {:.2}", us(latencies[n / 2]), us(latencies[n * 99 / 100])))
}

// W3

fn w3_expected(stages: i64, n: i64) -> i64 {
    n * (n - 1) / 2 + stages * n
}

async fn sum<S: Stream<Item = i64>>(s: S) -> i64 {
    s.fold(0i64, |acc, x| future::ready(acc + x)).await
}

fn stage(x: i64) -> i64 {
    black_box(x) + 1
}

macro_rules! chain {
    ($s:expr;) => { $s };
    ($s:expr; $_head:tt $($tail:tt)*) => { chain!($s.map(stage); $($tail)*) };
}

async fn w3_static(stages: i64, n: i64) -> Option<i64> {
    let src = stream::iter(0..n);
    Some(match stages {
        0 => sum(chain!(src;)).await,
        1 => sum(chain!(src; x)).await,
        2 => sum(chain!(src; x x)).await,
        3 => sum(chain!(src; x x x)).await,
        4 => sum(chain!(src; x x x x)).await,
        5 => sum(chain!(src; x x x x x)).await,
        6 => sum(chain!(src; x x x x x x)).await,
        7 => sum(chain!(src; x x x x x x x)).await,
        8 => sum(chain!(src; x x x x x x x x)).await,
        9 => sum(chain!(src; x x x x x x x x x)).await,
        10 => sum(chain!(src; x x x x x x x x x x)).await,
        _ => return None,
    })
}

async fn w3_boxed(stages: i64, n: i64) -> i64 {
    let mut s = stream::iter(0..n).boxed_local();
    for _ in 0..stages {
        s = s.map(stage).boxed_local();
    }
    sum(s).await
}

fn w3(stages: i64, n: i64, boxed: bool) -> Result<f64, String> {
    let rt = Builder::new_current_thread().build().map_err(|e| e.to_string())?;
    let n = black_box(n);
    let start = Instant::now();
    let total = if boxed {
        rt.block_on(w3_boxed(stages, n))
    } else {
        rt.block_on(w3_static(stages, n))
            .ok_or_else(|| format!("static chains have at most 10 stages, not {stages}; use boxed"))?
    };
    let ns = start.elapsed().as_nanos() as f64 / n as f64;
    if total != w3_expected(stages, n) {
        return Err(format!("wrong sum {total}, expected {}", w3_expected(stages, n)));
    }
    Ok(ns)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let result = match args.get(1).map(String::as_str) {
        Some("w1") => {
            let (Some(p), Some(n)) = (parse::<i64>(args.get(2)), parse::<i64>(args.get(3))) else {
                return usage();
            };
            if !(1..=64).contains(&p) || n < 0 {
                return usage();
            }
            let rt = match args.get(4).map(String::as_str) {
                None | Some("current") => Builder::new_current_thread().build(),
                Some("multi") => Builder::new_multi_thread().build(),
                Some(_) => return usage(),
            };
            match rt {
                Ok(rt) => w1(p, n, rt).map(|v| format!("{v:.0}")),
                Err(e) => Err(e.to_string()),
            }
        }
        Some("w2") => {
            let Some(n) = parse::<usize>(args.get(2)) else {
                return usage();
            };
            if n < 100 {
                return usage();
            }
            let rt = match args.get(3).map(String::as_str) {
                None | Some("current") => Builder::new_current_thread().build(),
                Some("multi") => Builder::new_multi_thread().build(),
                Some(_) => return usage(),
            };
            match rt {
                Ok(rt) => w2(n, rt),
                Err(e) => Err(e.to_string()),
            }
        }
        Some("w3") => {
            let (Some(stages), Some(n)) = (parse::<i64>(args.get(2)), parse::<i64>(args.get(3))) else {
                return usage();
            };
            if stages < 0 || n <= 0 {
                return usage();
            }
            let boxed = match args.get(4).map(String::as_str) {
                None | Some("static") => false,
                Some("boxed") => true,
                Some(_) => return usage(),
            };
            w3(stages, n, boxed).map(|v| format!("{v:.3}"))
        }
        _ => return usage(),
    };
    match result {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("tokio-peer: {e}");
            ExitCode::FAILURE
        }
    }
}
