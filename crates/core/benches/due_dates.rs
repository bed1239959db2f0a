//! Due dates per second on one core, against the shipped national calendar.
//!
//! `cargo bench -p tongban-core --bench due_dates`: each iteration computes a batch of
//! due dates, and the throughput line reports elements (due dates) per second.

use std::hint::black_box;

use chrono::{Days, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tongban_core::calendar::{Calendar, DateSpan};

/// How many due dates one iteration computes.
const BATCH: usize = 4096;

/// Start days and limits spread over 2004–2025, as a hall's mix of cases would be: a
/// deterministic pseudo-random sequence (no RNG dependency, same inputs every run).
fn inputs() -> Vec<(NaiveDate, u32)> {
    let first = NaiveDate::from_ymd_opt(2004, 1, 1).unwrap();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..BATCH)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let day = x % 8000;
            let limit = [5, 10, 15, 20, 30, 45, 60][(x >> 20) as usize % 7];
            (first + Days::new(day), limit)
        })
        .collect()
}

fn due_dates(c: &mut Criterion) {
    let cal = Calendar::china();
    let inputs = inputs();
    let mut group = c.benchmark_group("due_dates");
    group.throughput(Throughput::Elements(BATCH as u64));

    group.bench_function("working_days", |b| {
        b.iter(|| {
            for (start, n) in &inputs {
                black_box(
                    cal.add_working_days(black_box(*start), black_box(*n))
                        .unwrap(),
                );
            }
        })
    });

    group.bench_function("working_days_with_suspension", |b| {
        b.iter(|| {
            for (start, n) in &inputs {
                // A 10-day expert review (专家评审) starting three days after acceptance.
                let from = *start + Days::new(3);
                let span = [DateSpan {
                    from,
                    to: from + Days::new(9),
                }];
                black_box(
                    cal.add_working_days_excluding(black_box(*start), black_box(*n), &span)
                        .unwrap(),
                );
            }
        })
    });

    group.bench_function("natural_days", |b| {
        b.iter(|| {
            for (start, n) in &inputs {
                black_box(
                    cal.add_natural_days(black_box(*start), black_box(*n))
                        .unwrap(),
                );
            }
        })
    });

    group.finish();
}

criterion_group!(benches, due_dates);
criterion_main!(benches);
