//! A one-hidden-layer perceptron over sparse input (ReLU, softmax over the four stances),
//! its training with Adam on a weighted cross-entropy, and its byte format.
//!
//! Training is deterministic: weights start from a fixed-seed generator, examples are
//! shuffled by it, and the arithmetic runs in one thread in a fixed order.

use crate::features::Entry;

pub(crate) const CLASSES: usize = 4;

/// The fixed-seed generator for initialisation, shuffling and dropout.
pub(crate) type Rng = corroborate_model::SplitMix64;

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Mlp {
    pub inputs: usize,
    pub hidden: usize,
    /// Row-major, one row of `hidden` weights per input.
    pub w1: Vec<f32>,
    pub b1: Vec<f32>,
    /// Row-major, one row of `CLASSES` weights per hidden unit.
    pub w2: Vec<f32>,
    pub b2: Vec<f32>,
}

/// Training settings.
#[derive(Clone, Debug)]
pub(crate) struct Fit {
    pub epochs: usize,
    pub batch: usize,
    pub learning_rate: f32,
    pub l2: f32,
    pub dropout: f32,
    pub class_weights: [f32; CLASSES],
    pub seed: u64,
}

impl Mlp {
    pub fn new(inputs: usize, hidden: usize, rng: &mut Rng) -> Self {
        let s1 = (6.0 / (inputs.min(400) + hidden) as f32).sqrt();
        let s2 = (6.0 / (hidden + CLASSES) as f32).sqrt();
        Mlp {
            inputs,
            hidden,
            w1: (0..inputs * hidden)
                .map(|_| (rng.unit() * 2.0 - 1.0) * s1)
                .collect(),
            b1: vec![0.0; hidden],
            w2: (0..hidden * CLASSES)
                .map(|_| (rng.unit() * 2.0 - 1.0) * s2)
                .collect(),
            b2: vec![0.0; CLASSES],
        }
    }

    fn hidden_of(&self, x: &[&[Entry]], h: &mut [f32]) {
        h.copy_from_slice(&self.b1);
        for part in x {
            for &(i, v) in *part {
                let row = &self.w1[i as usize * self.hidden..(i as usize + 1) * self.hidden];
                for (a, w) in h.iter_mut().zip(row) {
                    *a += v * w;
                }
            }
        }
        for a in h.iter_mut() {
            *a = a.max(0.0);
        }
    }

    fn logits_of(&self, h: &[f32]) -> [f32; CLASSES] {
        let mut z = [0.0f32; CLASSES];
        z.copy_from_slice(&self.b2);
        for (j, &a) in h.iter().enumerate() {
            if a != 0.0 {
                for (k, zk) in z.iter_mut().enumerate() {
                    *zk += a * self.w2[j * CLASSES + k];
                }
            }
        }
        z
    }

    /// Class probabilities for the sparse input made of the concatenated parts.
    pub fn predict(&self, x: &[&[Entry]]) -> [f32; CLASSES] {
        let mut h = vec![0.0; self.hidden];
        self.hidden_of(x, &mut h);
        softmax(self.logits_of(&h))
    }

    /// Trains on `examples` (each the parts of one sparse input and its class).
    // Parameters, gradients and Adam moments are indexed together, so index loops read best.
    #[allow(clippy::needless_range_loop)]
    pub fn fit(
        inputs: usize,
        hidden: usize,
        examples: &[(Vec<&[Entry]>, usize)],
        fit: &Fit,
    ) -> Mlp {
        let mut rng = Rng::new(fit.seed);
        let mut m = Mlp::new(inputs, hidden, &mut rng);
        let mut adam = Adam::new(&m);
        let mut order: Vec<usize> = (0..examples.len()).collect();
        let mut g1 = vec![0.0f32; inputs * hidden];
        let mut touched = vec![false; inputs];
        let mut rows: Vec<usize> = Vec::new();
        let mut gb1 = vec![0.0f32; hidden];
        let mut g2 = vec![0.0f32; hidden * CLASSES];
        let mut gb2;
        let mut h = vec![0.0f32; hidden];
        let mut mask = vec![1.0f32; hidden];
        let mut dh = vec![0.0f32; hidden];
        for _epoch in 0..fit.epochs {
            for i in (1..order.len()).rev() {
                let j = rng.below(i + 1);
                order.swap(i, j);
            }
            for batch in order.chunks(fit.batch.max(1)) {
                gb1.iter_mut().for_each(|g| *g = 0.0);
                g2.iter_mut().for_each(|g| *g = 0.0);
                gb2 = [0.0; CLASSES];
                let mut total_w = 0.0;
                for &e in batch {
                    let (x, y) = &examples[e];
                    let cw = fit.class_weights[*y];
                    total_w += cw;
                    m.hidden_of(x, &mut h);
                    let keep = 1.0 - fit.dropout;
                    for (mk, a) in mask.iter_mut().zip(h.iter_mut()) {
                        *mk = if fit.dropout > 0.0 && rng.unit() < fit.dropout {
                            0.0
                        } else {
                            1.0 / keep
                        };
                        *a *= *mk;
                    }
                    let p = softmax(m.logits_of(&h));
                    let mut dz = [0.0f32; CLASSES];
                    for k in 0..CLASSES {
                        dz[k] = cw * (p[k] - if k == *y { 1.0 } else { 0.0 });
                        gb2[k] += dz[k];
                    }
                    for j in 0..hidden {
                        let mut d = 0.0;
                        for k in 0..CLASSES {
                            g2[j * CLASSES + k] += h[j] * dz[k];
                            d += m.w2[j * CLASSES + k] * dz[k];
                        }
                        dh[j] = if h[j] > 0.0 { d * mask[j] } else { 0.0 };
                        gb1[j] += dh[j];
                    }
                    for part in x {
                        for &(i, v) in *part {
                            let i = i as usize;
                            if !touched[i] {
                                touched[i] = true;
                                rows.push(i);
                            }
                            let row = &mut g1[i * hidden..(i + 1) * hidden];
                            for (g, d) in row.iter_mut().zip(&dh) {
                                *g += v * d;
                            }
                        }
                    }
                }
                let scale = 1.0 / total_w.max(1e-6);
                rows.sort_unstable();
                adam.tick();
                for &i in &rows {
                    for j in i * hidden..(i + 1) * hidden {
                        let g = g1[j] * scale + fit.l2 * m.w1[j];
                        m.w1[j] -= adam.step(0, j, g, fit.learning_rate);
                        g1[j] = 0.0;
                    }
                    touched[i] = false;
                }
                rows.clear();
                for j in 0..hidden {
                    m.b1[j] -= adam.step(1, j, gb1[j] * scale, fit.learning_rate);
                }
                for j in 0..hidden * CLASSES {
                    let g = g2[j] * scale + fit.l2 * m.w2[j];
                    m.w2[j] -= adam.step(2, j, g, fit.learning_rate);
                }
                for k in 0..CLASSES {
                    m.b2[k] -= adam.step(3, k, gb2[k] * scale, fit.learning_rate);
                }
            }
        }
        m
    }
}

pub(crate) fn softmax(z: [f32; CLASSES]) -> [f32; CLASSES] {
    let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut e = z.map(|v| (v - max).exp());
    let s: f32 = e.iter().sum();
    for v in &mut e {
        *v /= s;
    }
    e
}

/// Adam moments for the four parameter arrays; `w1` rows are updated lazily (only rows
/// seen in the batch), which is the usual sparse Adam.
struct Adam {
    m: [Vec<f32>; 4],
    v: [Vec<f32>; 4],
    t: i32,
    c1: f32,
    c2: f32,
}

impl Adam {
    fn new(m: &Mlp) -> Self {
        let sizes = [m.w1.len(), m.b1.len(), m.w2.len(), m.b2.len()];
        Adam {
            m: sizes.map(|n| vec![0.0; n]),
            v: sizes.map(|n| vec![0.0; n]),
            t: 0,
            c1: 1.0,
            c2: 1.0,
        }
    }
    fn tick(&mut self) {
        self.t += 1;
        self.c1 = 1.0 - 0.9f32.powi(self.t);
        self.c2 = 1.0 - 0.999f32.powi(self.t);
    }
    fn step(&mut self, p: usize, j: usize, g: f32, lr: f32) -> f32 {
        let m = &mut self.m[p][j];
        let v = &mut self.v[p][j];
        *m = 0.9 * *m + 0.1 * g;
        *v = 0.999 * *v + 0.001 * g * g;
        lr * (*m / self.c1) / ((*v / self.c2).sqrt() + 1e-8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_a_separable_toy_problem_deterministically() {
        let xs: Vec<Vec<Entry>> = (0..40u32).map(|i| vec![(i % 4, 1.0), (4, 1.0)]).collect();
        let ex: Vec<(Vec<&[Entry]>, usize)> = xs
            .iter()
            .enumerate()
            .map(|(i, x)| (vec![x.as_slice()], i % 4))
            .collect();
        let fit = Fit {
            epochs: 60,
            batch: 8,
            learning_rate: 0.05,
            l2: 0.0,
            dropout: 0.0,
            class_weights: [1.0; CLASSES],
            seed: 7,
        };
        let a = Mlp::fit(5, 8, &ex, &fit);
        let b = Mlp::fit(5, 8, &ex, &fit);
        assert_eq!(a, b);
        for (x, y) in &ex {
            let p = a.predict(x);
            let best = (0..CLASSES).max_by(|&i, &j| p[i].total_cmp(&p[j])).unwrap();
            assert_eq!(best, *y);
        }
    }
}
