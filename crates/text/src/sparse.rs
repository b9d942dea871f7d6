//! Sparse vectors and sets kept as slices sorted by key: the one merge walk that every
//! stage uses to find what two of them share (set overlap, weighted overlap, dot product),
//! and their sum.

use std::cmp::Ordering;

/// Calls `on_shared` for each pair of entries of `a` and `b` with equal keys, walking both
/// slices once. Both must be sorted by their key, with no key repeated.
pub fn for_each_shared<'a, 'b, A, B, K: Ord>(
    a: &'a [A],
    b: &'b [B],
    key_a: impl Fn(&'a A) -> K,
    key_b: impl Fn(&'b B) -> K,
    mut on_shared: impl FnMut(&'a A, &'b B),
) {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match key_a(&a[i]).cmp(&key_b(&b[j])) {
            Ordering::Less => i += 1,
            Ordering::Greater => j += 1,
            Ordering::Equal => {
                on_shared(&a[i], &b[j]);
                i += 1;
                j += 1;
            }
        }
    }
}

/// Dot product of two sparse vectors of `(key, weight)` sorted by key.
pub fn dot<K: Ord + Copy, W: Copy + std::ops::Mul<Output = W> + std::ops::AddAssign + Default>(
    a: &[(K, W)],
    b: &[(K, W)],
) -> W {
    let mut sum = W::default();
    let (mut i, mut j) = (0, 0);
    // advances without branching on the comparison (the interleaving of two keys is
    // unpredictable): the same pairs, in the same order, as `for_each_shared`
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        if x.0 == y.0 {
            sum += x.1 * y.1;
        }
        i += usize::from(x.0 <= y.0);
        j += usize::from(y.0 <= x.0);
    }
    sum
}

/// Sum of two sparse vectors of `(key, weight)` sorted by key, sorted by key, written to
/// `out` (cleared first, its allocation reused).
pub fn add_into<K: Ord + Copy, W: Copy + std::ops::Add<Output = W>>(
    a: &[(K, W)],
    b: &[(K, W)],
    out: &mut Vec<(K, W)>,
) {
    out.clear();
    out.reserve(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            Ordering::Equal => {
                out.push((a[i].0, a[i].1 + b[j].1));
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_entries_and_dot() {
        let a = [(1u32, 1.0f64), (3, 2.0), (5, 1.0)];
        let b = [(0u32, 4.0f64), (3, 0.5), (5, 2.0), (9, 1.0)];
        assert_eq!(dot(&a, &b), 3.0);
        let mut keys = Vec::new();
        for_each_shared(&a, &b, |x| x.0, |y| y.0, |x, _| keys.push(x.0));
        assert_eq!(keys, [3, 5]);
        assert_eq!(dot::<u32, f64>(&[], &b), 0.0);
    }

    #[test]
    fn sum_keeps_every_key_once() {
        let a = [(1u32, 1.0f64), (3, 2.0)];
        let b = [(0u32, 4.0f64), (3, 0.5), (9, 1.0)];
        let add = |a: &[(u32, f64)], b: &[(u32, f64)]| {
            let mut out = vec![(7, 7.0)]; // whatever the buffer held is replaced
            add_into(a, b, &mut out);
            out
        };
        assert_eq!(add(&a, &b), vec![(0, 4.0), (1, 1.0), (3, 2.5), (9, 1.0)]);
        assert_eq!(add(&[], &b), b.to_vec());
        assert_eq!(add(&a, &[]), a.to_vec());
    }
}
