//! MNIST digits redrawn the way a person draws on the pad: the digit's centre line, traced with a round
//! brush of one width on a large canvas. Used to measure (and test) how well drawings are read, since a
//! pen's uniform, thick stroke scaled down is not the same as MNIST's scanned ink. Part of this example
//! (and included by tests/digit.rs), not of the library: nothing else draws digits.

use mnist_logreg::digit::SIDE;

/// The centre line of a 28×28 digit: its ink (above half) thinned to one pixel (Zhang–Suen).
pub fn skeleton(digit: &[f32]) -> Vec<bool> {
    let mut on: Vec<bool> = digit.iter().map(|&v| v > 0.5).collect();
    let at = |on: &[bool], x: isize, y: isize| {
        (0..SIDE as isize).contains(&x) && (0..SIDE as isize).contains(&y) && on[y as usize * SIDE + x as usize]
    };
    loop {
        let mut changed = false;
        for pass in 0..2 {
            let mut remove = Vec::new();
            for y in 0..SIDE as isize {
                for x in 0..SIDE as isize {
                    if !at(&on, x, y) {
                        continue;
                    }
                    // Neighbours p2..p9 clockwise from north.
                    let p = [(0, -1), (1, -1), (1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1)]
                        .map(|(dx, dy)| at(&on, x + dx, y + dy));
                    let count = p.iter().filter(|&&b| b).count();
                    let transitions = (0..8).filter(|&i| !p[i] && p[(i + 1) % 8]).count();
                    let (first, second) = if pass == 0 {
                        (p[0] && p[2] && p[4], p[2] && p[4] && p[6])
                    } else {
                        (p[0] && p[2] && p[6], p[0] && p[4] && p[6])
                    };
                    if (2..=6).contains(&count) && transitions == 1 && !first && !second {
                        remove.push(y as usize * SIDE + x as usize);
                    }
                }
            }
            changed |= !remove.is_empty();
            for index in remove {
                on[index] = false;
            }
        }
        if !changed {
            return on;
        }
    }
}

/// How a digit is redrawn: on a `canvas`-pixel square pad, the digit's 28-pixel field scaled to `size`
/// pixels and placed at (`left`, `top`), traced with a brush `brush` pixels across, slanted by `slant`
/// (each row moved that many pixels right per row above the field's centre: positive leans right).
#[derive(Debug, Clone, Copy)]
pub struct Drawing {
    pub canvas: usize,
    pub size: f32,
    pub left: f32,
    pub top: f32,
    pub brush: f32,
    pub slant: f32,
}

/// The skeleton of `digit` traced as strokes: light ink on a dark, opaque RGBA canvas, like the pad's.
pub fn draw(digit: &[f32], drawing: Drawing) -> Vec<u8> {
    let on = skeleton(digit);
    let scale = drawing.size / SIDE as f32;
    let point = |i: usize| {
        let (x, y) = ((i % SIDE) as f32 + 0.5, (i / SIDE) as f32 + 0.5);
        let x = x + drawing.slant * (SIDE as f32 / 2.0 - y);
        (drawing.left + x * scale, drawing.top + y * scale)
    };
    // Segments between 8-connected skeleton pixels (each pair once), and a dot for every pixel.
    let mut segments = Vec::new();
    for i in (0..on.len()).filter(|&i| on[i]) {
        let (x, y) = ((i % SIDE) as isize, (i / SIDE) as isize);
        segments.push((point(i), point(i)));
        for (dx, dy) in [(1, 0), (0, 1), (1, 1), (-1, 1)] {
            let (nx, ny) = (x + dx, y + dy);
            if (0..SIDE as isize).contains(&nx)
                && (0..SIDE as isize).contains(&ny)
                && on[ny as usize * SIDE + nx as usize]
            {
                segments.push((point(i), point(ny as usize * SIDE + nx as usize)));
            }
        }
    }
    let side = drawing.canvas;
    let radius = drawing.brush / 2.0;
    let mut ink = vec![0.0f32; side * side];
    for ((ax, ay), (bx, by)) in segments {
        let (min_x, max_x) = (ax.min(bx) - radius - 1.0, ax.max(bx) + radius + 1.0);
        let (min_y, max_y) = (ay.min(by) - radius - 1.0, ay.max(by) + radius + 1.0);
        for py in (min_y.max(0.0) as usize)..(max_y.max(0.0) as usize).min(side) {
            for px in (min_x.max(0.0) as usize)..(max_x.max(0.0) as usize).min(side) {
                let (cx, cy) = (px as f32 + 0.5, py as f32 + 0.5);
                let distance = distance_to_segment((cx, cy), (ax, ay), (bx, by));
                // Anti-aliased edge, one pixel wide, as a canvas draws it.
                let value = (radius - distance + 0.5).clamp(0.0, 1.0);
                let cell = &mut ink[py * side + px];
                *cell = cell.max(value);
            }
        }
    }
    ink.iter()
        .flat_map(|&v| {
            let grey = (v * 255.0).round() as u8;
            [grey, grey, grey, 255]
        })
        .collect()
}

fn distance_to_segment((px, py): (f32, f32), (ax, ay): (f32, f32), (bx, by): (f32, f32)) -> f32 {
    let (dx, dy) = (bx - ax, by - ay);
    let length = dx * dx + dy * dy;
    let t = if length == 0.0 { 0.0 } else { (((px - ax) * dx + (py - ay) * dy) / length).clamp(0.0, 1.0) };
    let (nx, ny) = (ax + t * dx - px, ay + t * dy - py);
    (nx * nx + ny * ny).sqrt()
}
