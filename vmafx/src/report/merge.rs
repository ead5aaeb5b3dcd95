//! Merging the parts of a video scored segment by segment into the report one run over
//! the whole video would have given.

use crate::error::{Error, Result};
use crate::frame::{ChromaSubsampling, FrameFormat};

use super::part::{Part, RunTotals};
use super::{FrameRecord, Report};

/// Builds the whole video's report from its parts, given in any order.
///
/// The parts must tile frames `0..N` of one video: no gap (refused, naming the missing
/// frames, e.g. `frames 40..60 missing`), no overlap, one part ending with the video,
/// and the same identity, settings, metrics and vmafx version throughout. A part given
/// twice, or the identical part of a retried segment, counts once. Pooled values come
/// from the parts' full-precision frame values and aggregate metrics from their summed
/// counters, so the report equals a single run's value for value; `fps` is the frames
/// over the parts' summed scoring time.
pub fn merge(parts: &[Part]) -> Result<Report> {
    let first = parts
        .first()
        .ok_or_else(|| Error::InvalidInput("no parts to merge".into()))?;
    for (n, part) in parts.iter().enumerate() {
        check_alike(first, part, n)?;
    }
    let tiles = tiles(parts)?;
    let format = frame_format(first)?;
    let mut frames = Vec::new();
    let mut seconds = 0.0;
    let mut totals: Vec<RunTotals> = first
        .run_totals
        .iter()
        .map(|t| RunTotals {
            feature: t.feature.clone(),
            totals: Vec::new(),
        })
        .collect();
    for part in &tiles {
        frames.extend(part.frames.iter().map(|f| FrameRecord {
            index: f.index,
            values: f.values.clone(),
        }));
        seconds += part.seconds;
        for (sum, counters) in totals.iter_mut().zip(&part.run_totals) {
            sum.totals
                .resize(sum.totals.len().max(counters.totals.len()), 0);
            for (s, c) in sum.totals.iter_mut().zip(&counters.totals) {
                *s = s.saturating_add(*c);
            }
        }
    }
    if frames.is_empty() {
        return Err(Error::NoFrames);
    }
    let fps = if seconds > 0.0 {
        tiles.iter().map(|p| p.end - p.start).sum::<u64>() as f64 / seconds
    } else {
        0.0
    };
    let mut report = Report::new(
        first.metrics.clone(),
        frames,
        first.identity.width,
        first.identity.height,
        backends(&tiles),
        fps,
    );
    report.version = first.vmafx_version.clone();
    for (name, value) in crate::scorer::aggregates_of(&totals, &format)? {
        report.set_aggregate(name, value)?;
    }
    Ok(report)
}

/// Fails unless `part` (the `n`-th given) belongs to the same run as `first`.
fn check_alike(first: &Part, part: &Part, n: usize) -> Result<()> {
    let differs = |what: String| {
        Err(Error::Mismatch(format!(
            "part {n} (frames {}..{}) is not of the same run as part 0: {what}",
            part.start, part.end
        )))
    };
    if part.vmafx_version != first.vmafx_version {
        return differs(format!(
            "written by {} and {}",
            part.vmafx_version, first.vmafx_version
        ));
    }
    if let Some(difference) = first.identity.difference(&part.identity) {
        return differs(difference);
    }
    if part.metrics != first.metrics {
        return differs(format!("metrics {:?} vs {:?}", part.metrics, first.metrics));
    }
    let features = |p: &Part| {
        p.run_totals
            .iter()
            .map(|t| t.feature.clone())
            .collect::<Vec<_>>()
    };
    if features(part) != features(first) {
        return differs("different extractors keep run totals".into());
    }
    if part.start >= part.end
        || part
            .frames
            .iter()
            .any(|f| !(part.start..part.end).contains(&f.index))
    {
        return differs(format!(
            "its frames are not within {}..{}",
            part.start, part.end
        ));
    }
    if part
        .frames
        .iter()
        .any(|f| f.values.len() != part.metrics.len())
    {
        return differs("a frame has not one value per metric".into());
    }
    Ok(())
}

/// The parts in frame order, each segment once, after checking that they cover the
/// video from frame 0 to its end without gaps or overlaps.
fn tiles(parts: &[Part]) -> Result<Vec<&Part>> {
    let mut sorted: Vec<&Part> = parts.iter().collect();
    sorted.sort_by_key(|p| (p.start, p.end));
    let mut tiles: Vec<&Part> = Vec::with_capacity(sorted.len());
    for part in sorted {
        match tiles.last() {
            Some(last) if last.start == part.start && last.end == part.end => {
                if !last.same_results(part) {
                    return Err(Error::Mismatch(format!(
                        "two parts for frames {}..{} hold different results",
                        part.start, part.end
                    )));
                }
            }
            _ => tiles.push(part),
        }
    }
    let mut missing = Vec::new();
    let mut next = 0u64;
    for part in &tiles {
        if part.start > next {
            missing.push(format!("{next}..{}", part.start));
        } else if part.start < next {
            return Err(Error::Mismatch(format!(
                "parts overlap: frames {}..{} and a part ending at {next}",
                part.start, part.end
            )));
        }
        next = part.end;
    }
    let ends = tiles.iter().filter(|p| p.video_ends).count();
    let last_ends = tiles.last().is_some_and(|p| p.video_ends);
    if !last_ends {
        missing.push(format!("{next}.. (no part reaches the end of the video)"));
    }
    if !missing.is_empty() {
        return Err(Error::InvalidInput(format!(
            "frames {} missing",
            missing.join(", frames ")
        )));
    }
    if ends > 1 {
        return Err(Error::Mismatch(
            "more than one part says the video ends with it".into(),
        ));
    }
    Ok(tiles)
}

/// The backend the parts name, or every distinct one when machines differed.
fn backends(parts: &[&Part]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for part in parts {
        if !names.contains(&part.backend.as_str()) {
            names.push(&part.backend);
        }
    }
    names.join("; ")
}

fn frame_format(part: &Part) -> Result<FrameFormat> {
    let identity = &part.identity;
    let chroma: ChromaSubsampling = identity.chroma.parse()?;
    FrameFormat::new(identity.width, identity.height, chroma, identity.bit_depth)
}
