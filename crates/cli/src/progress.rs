//! Progress of long commands on stderr (never stdout): what is being done, how many of how
//! many, the rate and the time left.
//!
//! On a terminal it is an indicatif bar (a spinner when the total is unknown). With
//! `--progress always` and stderr not a terminal (a pipe, a log file) it is plain lines
//! instead: for a counted phase one at its first count, then at most one a second, such as
//! `read 1,200 of 5,000 files (850/s, ETA 4 s)`, and one with the count and rate when it
//! ends; a step with no count is one line when it starts.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// When progress is shown (`--progress`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ProgressMode {
    /// When stderr is a terminal and `--quiet` is not given.
    #[default]
    Auto,
    /// Always (unless `--quiet`): a bar on a terminal, else plain lines, at most one a second.
    Always,
    /// Never.
    Never,
}

/// Least time between two periodic lines when stderr is not a terminal.
const LINE_EVERY: Duration = Duration::from_secs(1);

/// The progress display of one command run; cheap to call when off.
pub struct Progress {
    draw: Draw,
    state: Mutex<Phase>,
}

enum Draw {
    Off,
    Bar(indicatif::ProgressBar),
    Lines,
}

/// What is under way: `label done of total unit`, or a step with no count.
struct Phase {
    label: String,
    unit: &'static str,
    total: Option<u64>,
    done: u64,
    counted: bool,
    started: Instant,
    last_line: Option<Instant>,
}

impl Progress {
    pub fn new(mode: ProgressMode, quiet: bool) -> Progress {
        let terminal = std::io::stderr().is_terminal();
        let draw = match (mode, quiet, terminal) {
            (ProgressMode::Never, ..) | (_, true, _) | (ProgressMode::Auto, false, false) => {
                Draw::Off
            }
            (_, false, true) => {
                let bar = indicatif::ProgressBar::new_spinner();
                bar.enable_steady_tick(Duration::from_millis(120));
                Draw::Bar(bar)
            }
            (ProgressMode::Always, false, false) => Draw::Lines,
        };
        Progress {
            draw,
            state: Mutex::new(Phase {
                label: String::new(),
                unit: "",
                total: None,
                done: 0,
                counted: false,
                started: Instant::now(),
                last_line: None,
            }),
        }
    }

    /// No display at all.
    pub fn off() -> Progress {
        Progress::new(ProgressMode::Never, true)
    }

    fn phase(&self) -> std::sync::MutexGuard<'_, Phase> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A counted phase begins: `label` (`read`, `claims`), counting `unit` (`files`,
    /// `articles`) out of `total` when known.
    pub fn start(&self, label: &str, unit: &'static str, total: Option<u64>) {
        if matches!(self.draw, Draw::Off) {
            return;
        }
        let mut p = self.phase();
        *p = Phase {
            label: label.to_string(),
            unit,
            total,
            done: 0,
            counted: true,
            started: Instant::now(),
            last_line: None,
        };
        match &self.draw {
            Draw::Bar(bar) => {
                match total {
                    Some(n) => {
                        bar.set_style(
                            indicatif::ProgressStyle::with_template("{spinner} [{bar:30}] {msg}")
                                .expect("a valid template")
                                .progress_chars("=> "),
                        );
                        bar.set_length(n);
                    }
                    None => {
                        bar.set_style(indicatif::ProgressStyle::default_spinner());
                    }
                }
                bar.set_position(0);
                bar.set_message(p.line());
            }
            Draw::Lines | Draw::Off => {}
        }
    }

    /// A step with no count (`dedupe (5,000 articles)`).
    pub fn step(&self, message: &str) {
        if matches!(self.draw, Draw::Off) {
            return;
        }
        let mut p = self.phase();
        p.label = message.to_string();
        p.counted = false;
        p.total = None;
        p.started = Instant::now();
        match &self.draw {
            Draw::Bar(bar) => {
                bar.set_style(indicatif::ProgressStyle::default_spinner());
                bar.set_message(message.to_string());
            }
            Draw::Lines => p.print(message),
            Draw::Off => {}
        }
    }

    /// `done` of the counted phase are done.
    pub fn set(&self, done: u64) {
        if matches!(self.draw, Draw::Off) {
            return;
        }
        let mut p = self.phase();
        // reports from parallel workers may arrive out of order: the count never goes back
        if !p.counted || done < p.done {
            return;
        }
        p.done = done;
        match &self.draw {
            Draw::Bar(bar) => {
                bar.set_position(done);
                bar.set_message(p.line());
            }
            Draw::Lines => {
                if p.last_line.is_none_or(|t| t.elapsed() >= LINE_EVERY) {
                    let line = p.line();
                    p.print(&line);
                }
            }
            Draw::Off => {}
        }
    }

    /// The counted phase is over: with lines, one last line with its count and rate.
    pub fn finish(&self) {
        if !matches!(self.draw, Draw::Lines) {
            return;
        }
        let mut p = self.phase();
        if p.counted {
            let line = p.summary();
            p.print(&line);
            p.counted = false;
        }
    }

    /// Runs `f` (which prints to stderr) with the bar out of the way.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.draw {
            Draw::Bar(bar) => bar.suspend(f),
            _ => f(),
        }
    }

    /// Removes the bar, so that what is printed next stands alone.
    pub fn clear(&self) {
        if let Draw::Bar(bar) = &self.draw {
            bar.finish_and_clear();
        }
    }
}

impl Phase {
    fn rate(&self) -> f64 {
        let secs = self.started.elapsed().as_secs_f64();
        if secs > 0.0 {
            self.done as f64 / secs
        } else {
            0.0
        }
    }

    /// `1,200 of 5,000 files`, or `1,200 files`.
    fn count(&self) -> String {
        match self.total {
            Some(n) => format!("{} of {} {}", thousands(self.done), thousands(n), self.unit),
            None => format!("{} {}", thousands(self.done), self.unit),
        }
    }

    /// `read 1,200 of 5,000 files (850/s, ETA 4 s)`.
    fn line(&self) -> String {
        let rate = self.rate();
        let eta = match self.total {
            Some(n) if rate > 0.0 => {
                let left = n.saturating_sub(self.done) as f64 / rate;
                format!(", ETA {}", duration(left))
            }
            _ => String::new(),
        };
        format!(
            "{} {} ({}/s{eta})",
            self.label,
            self.count(),
            thousands(rate.round() as u64)
        )
    }

    /// `read 5,000 of 5,000 files in 2.1 s (2,380/s)`.
    fn summary(&self) -> String {
        format!(
            "{} {} in {:.1} s ({}/s)",
            self.label,
            self.count(),
            self.started.elapsed().as_secs_f64(),
            thousands(self.rate().round() as u64)
        )
    }

    fn print(&mut self, line: &str) {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{line}");
        self.last_line = Some(Instant::now());
    }
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Seconds left in words: `4 s`, `2 min 5 s`, `3 h 10 min`.
fn duration(secs: f64) -> String {
    let s = secs.ceil() as u64;
    match s {
        0..=99 => format!("{s} s"),
        100..=5999 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_people_write_them() {
        for (n, s) in [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (1_234_567, "1,234,567"),
        ] {
            assert_eq!(thousands(n), s);
        }
        for (secs, s) in [
            (0.2, "1 s"),
            (4.0, "4 s"),
            (125.0, "2 min 5 s"),
            (11_400.0, "3 h 10 min"),
        ] {
            assert_eq!(duration(secs), s);
        }
    }
}
