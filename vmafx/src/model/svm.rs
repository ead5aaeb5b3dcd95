//! Support-vector regression in libsvm's text format, as VMAF models embed it.
//!
//! Only regression machines (`nu_svr`, `epsilon_svr`) are accepted: VMAF never uses
//! classifiers. Predictions sum the kernel terms in support-vector order and merge sparse
//! vectors index by index, the order libvmaf's evaluation uses, so the doubles come out
//! identical.

use std::collections::HashMap;

/// One `index:value` entry of a support vector.
#[derive(Clone, Copy, Debug, PartialEq)]
struct SparseEntry {
    index: i32,
    value: f64,
}

/// The kernel function and its parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kernel {
    Linear,
    Polynomial { gamma: f64, coef0: f64, degree: i32 },
    Rbf { gamma: f64 },
    Sigmoid { gamma: f64, coef0: f64 },
}

/// A parsed libsvm regression model.
#[derive(Clone, Debug)]
pub(crate) struct SvmModel {
    kernel: Kernel,
    rho: f64,
    /// One dual coefficient per support vector.
    coefficients: Vec<f64>,
    /// `entries[starts[i]..starts[i + 1]]` is support vector `i`.
    starts: Vec<usize>,
    entries: Vec<SparseEntry>,
}

impl SvmModel {
    /// Parses libsvm's model text (header lines up to `SV`, then one line per support
    /// vector). The error is a sentence naming what is wrong.
    pub(crate) fn parse(text: &str) -> Result<SvmModel, String> {
        let mut lines = text.lines();
        let header = parse_header(&mut lines)?;
        let kernel = header.kernel()?;
        let total = header.total_sv()?;
        let rho = header.rho()?;
        // total_sv comes from the file: hold it against the lines that follow before
        // reserving memory for that many vectors.
        let following = lines.clone().count();
        if total > following {
            return Err(format!(
                "total_sv is {total} but only {following} lines follow the SV line"
            ));
        }

        let mut coefficients = Vec::with_capacity(total);
        let mut starts = Vec::with_capacity(total + 1);
        let mut entries = Vec::new();
        starts.push(0);
        for sv in 0..total {
            let line = lines.next().ok_or_else(|| {
                format!("total_sv is {total} but only {sv} support vectors follow")
            })?;
            let mut tokens = line.split_whitespace();
            let coefficient = tokens
                .next()
                .ok_or_else(|| format!("support vector {sv} is an empty line"))?;
            coefficients.push(parse_finite(coefficient, "support vector coefficient")?);
            for token in tokens {
                entries.push(parse_entry(token, sv)?);
            }
            starts.push(entries.len());
        }
        if let Some(extra) = lines.find(|line| !line.trim().is_empty()) {
            return Err(format!(
                "text after the {total} support vectors announced by total_sv: {:?}",
                truncate(extra)
            ));
        }
        Ok(SvmModel {
            kernel,
            rho,
            coefficients,
            starts,
            entries,
        })
    }

    /// The highest feature index any support vector uses (0 when none does).
    pub(crate) fn max_index(&self) -> i32 {
        self.entries.iter().map(|e| e.index).max().unwrap_or(0)
    }

    /// Predicts for a dense input: `x[i]` is the feature with libsvm index `i + 1`.
    pub(crate) fn predict(&self, x: &[f64]) -> f64 {
        let mut sum = 0.0;
        for (i, coefficient) in self.coefficients.iter().enumerate() {
            let sv = &self.entries[self.starts[i]..self.starts[i + 1]];
            sum += coefficient * self.kernel.eval(x, sv);
        }
        sum - self.rho
    }
}

impl Kernel {
    fn eval(&self, x: &[f64], sv: &[SparseEntry]) -> f64 {
        match *self {
            Kernel::Linear => dot(x, sv),
            Kernel::Polynomial {
                gamma,
                coef0,
                degree,
            } => powi(gamma * dot(x, sv) + coef0, degree),
            Kernel::Rbf { gamma } => (-gamma * squared_distance(x, sv)).exp(),
            Kernel::Sigmoid { gamma, coef0 } => (gamma * dot(x, sv) + coef0).tanh(),
        }
    }
}

/// Sparse dot product: only indices present in both vectors contribute, in index order.
fn dot(x: &[f64], sv: &[SparseEntry]) -> f64 {
    let (mut px, mut py) = (0usize, 0usize);
    let mut sum = 0.0;
    while px < x.len() && py < sv.len() {
        let x_index = px as i64 + 1;
        let y_index = i64::from(sv[py].index);
        if x_index == y_index {
            sum += x[px] * sv[py].value;
            px += 1;
            py += 1;
        } else if x_index > y_index {
            py += 1;
        } else {
            px += 1;
        }
    }
    sum
}

/// Squared Euclidean distance of a dense and a sparse vector. The terms are added in the
/// order of a merge walk over both index lists (then the leftovers of each), because
/// that order decides the rounding of the sum.
fn squared_distance(x: &[f64], sv: &[SparseEntry]) -> f64 {
    let (mut px, mut py) = (0usize, 0usize);
    let mut sum = 0.0;
    while px < x.len() && py < sv.len() {
        let x_index = px as i64 + 1;
        let y_index = i64::from(sv[py].index);
        if x_index == y_index {
            let d = x[px] - sv[py].value;
            sum += d * d;
            px += 1;
            py += 1;
        } else if x_index > y_index {
            sum += sv[py].value * sv[py].value;
            py += 1;
        } else {
            sum += x[px] * x[px];
            px += 1;
        }
    }
    for value in &x[px..] {
        sum += value * value;
    }
    for entry in &sv[py..] {
        sum += entry.value * entry.value;
    }
    sum
}

/// Integer power by repeated squaring, with libsvm's multiplication order.
fn powi(base: f64, times: i32) -> f64 {
    let (mut tmp, mut ret) = (base, 1.0);
    let mut t = times;
    while t > 0 {
        if t % 2 == 1 {
            ret *= tmp;
        }
        tmp *= tmp;
        t /= 2;
    }
    ret
}

/// The header's `key value...` lines, collected up to the `SV` line.
struct Header {
    values: HashMap<String, Vec<String>>,
}

fn parse_header<'a>(lines: &mut impl Iterator<Item = &'a str>) -> Result<Header, String> {
    const KNOWN: [&str; 11] = [
        "svm_type",
        "kernel_type",
        "degree",
        "gamma",
        "coef0",
        "nr_class",
        "total_sv",
        "rho",
        "label",
        "probA",
        "probB",
    ];
    let mut values = HashMap::new();
    for line in lines.by_ref() {
        let mut tokens = line.split_whitespace();
        let Some(key) = tokens.next() else {
            continue;
        };
        if key == "SV" {
            return Ok(Header { values });
        }
        if !KNOWN.contains(&key) && key != "nr_sv" {
            return Err(format!("unknown header entry {:?}", truncate(key)));
        }
        values.insert(key.to_owned(), tokens.map(str::to_owned).collect());
    }
    Err("no \"SV\" line: the support vectors are missing".to_owned())
}

impl Header {
    fn single(&self, key: &str) -> Result<&str, String> {
        match self.values.get(key).map(Vec::as_slice) {
            None => Err(format!("header entry {key} is missing")),
            Some([value]) => Ok(value),
            Some(values) => Err(format!(
                "header entry {key} needs one value, found {}",
                values.len()
            )),
        }
    }

    fn number(&self, key: &str) -> Result<f64, String> {
        parse_finite(self.single(key)?, key)
    }

    fn integer(&self, key: &str) -> Result<i32, String> {
        let text = self.single(key)?;
        text.parse()
            .map_err(|_| format!("{key} is not an integer: {:?}", truncate(text)))
    }

    fn kernel(&self) -> Result<Kernel, String> {
        match self.single("svm_type")? {
            "nu_svr" | "epsilon_svr" => {}
            other => {
                return Err(format!(
                    "svm_type {:?} is not a regression machine (nu_svr or epsilon_svr)",
                    truncate(other)
                ))
            }
        }
        if self.integer("nr_class")? != 2 {
            return Err("nr_class must be 2 for a regression machine".to_owned());
        }
        Ok(match self.single("kernel_type")? {
            "linear" => Kernel::Linear,
            "polynomial" => Kernel::Polynomial {
                gamma: self.number("gamma")?,
                coef0: self.number("coef0")?,
                degree: self.integer("degree")?,
            },
            "rbf" => Kernel::Rbf {
                gamma: self.number("gamma")?,
            },
            "sigmoid" => Kernel::Sigmoid {
                gamma: self.number("gamma")?,
                coef0: self.number("coef0")?,
            },
            other => return Err(format!("unsupported kernel_type {:?}", truncate(other))),
        })
    }

    fn total_sv(&self) -> Result<usize, String> {
        let total = self.integer("total_sv")?;
        usize::try_from(total).map_err(|_| format!("total_sv is negative: {total}"))
    }

    fn rho(&self) -> Result<f64, String> {
        self.number("rho")
    }
}

fn parse_entry(token: &str, sv: usize) -> Result<SparseEntry, String> {
    let bad = || {
        format!(
            "support vector {sv}: {:?} is not an index:value pair",
            truncate(token)
        )
    };
    let (index, value) = token.split_once(':').ok_or_else(bad)?;
    let index: i32 = index.parse().map_err(|_| bad())?;
    if index < 0 {
        return Err(format!("support vector {sv}: negative index {index}"));
    }
    let value = parse_finite(value, "support vector value")?;
    Ok(SparseEntry { index, value })
}

/// Parses a finite double. Rust's parser rounds correctly, as the C library's does.
fn parse_finite(text: &str, what: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err(format!("{what} is not finite: {:?}", truncate(text))),
        Err(_) => Err(format!("{what} is not a number: {:?}", truncate(text))),
    }
}

/// Keeps quoted input in error messages short.
fn truncate(text: &str) -> &str {
    match text.char_indices().nth(40) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &str = "svm_type nu_svr\nkernel_type rbf\ngamma 0.5\nnr_class 2\n\
        total_sv 2\nrho -1.5\nSV\n2 1:1 2:0.5 \n-1 2:1 3:2\n";

    #[test]
    fn rbf_prediction_matches_hand_computation() {
        let model = SvmModel::parse(TINY).expect("valid model");
        let x = [0.5, 0.25];
        // sv0: (0.5-1)^2 + (0.25-0.5)^2 = 0.3125; sv1: 0.5^2 + (0.25-1)^2 + 2^2 = 4.8125
        let expected = 2.0 * (-0.5f64 * 0.3125).exp() - (-0.5f64 * 4.8125).exp() + 1.5;
        assert_eq!(model.predict(&x), expected);
        assert_eq!(model.max_index(), 3);
    }

    #[test]
    fn other_kernels() {
        let poly = TINY.replace(
            "kernel_type rbf\ngamma 0.5",
            "kernel_type polynomial\ndegree 3\ngamma 0.5\ncoef0 1",
        );
        let model = SvmModel::parse(&poly).expect("valid model");
        let x = [2.0, 4.0];
        let expected = 2.0 * (0.5f64 * 4.0 + 1.0).powi(3) - (0.5f64 * 4.0 + 1.0).powi(3) + 1.5;
        assert_eq!(model.predict(&x), expected);
        let linear = TINY.replace("kernel_type rbf\ngamma 0.5", "kernel_type linear");
        let model = SvmModel::parse(&linear).expect("valid model");
        assert_eq!(model.predict(&x), 2.0 * 4.0 - 4.0 + 1.5);
    }

    #[test]
    fn powi_squares_repeatedly() {
        assert_eq!(powi(3.0, 0), 1.0);
        assert_eq!(powi(3.0, 5), 243.0);
        assert_eq!(powi(-2.0, 3), -8.0);
    }

    #[test]
    fn total_sv_is_checked_before_reserving_memory() {
        // A count near i32::MAX used to reserve 32 GiB before any vector was read (the
        // model_json fuzz target's allocation limit caught it). The malformed first
        // vector shows that the count is refused before the vectors are parsed.
        let huge = TINY
            .replace("total_sv 2", "total_sv 2147483647")
            .replace("2:0.5", "2=0.5");
        let why = SvmModel::parse(&huge).expect_err("the count exceeds the lines");
        assert!(why.contains("total_sv is 2147483647"), "{why}");
    }

    #[test]
    fn malformed_text_is_rejected() {
        let cases = [
            (TINY.replace("nu_svr", "c_svc"), "regression"),
            (TINY.replace("rbf", "precomputed"), "kernel_type"),
            (TINY.replace("gamma 0.5\n", ""), "gamma"),
            (TINY.replace("total_sv 2", "total_sv 3"), "only 2"),
            (TINY.replace("total_sv 2", "total_sv 1"), "after the 1"),
            (TINY.replace("2:0.5", "2=0.5"), "index:value"),
            (TINY.replace("2:0.5", "2:nan"), "not finite"),
            (TINY.replace("2:0.5", "-1:0.5"), "negative"),
            (TINY.replace("rho -1.5", "rho x"), "rho"),
            (TINY[..TINY.find("SV\n").expect("has SV")].to_owned(), "SV"),
            (TINY.replace("nr_class 2", "nr_class 2\nbogus 1"), "unknown"),
            (TINY.replace("\n-1 2:1", "\nabc 2:1"), "coefficient"),
        ];
        for (text, needle) in cases {
            let err = SvmModel::parse(&text).expect_err(&text);
            assert!(err.contains(needle), "{err:?} should mention {needle:?}");
        }
    }
}
