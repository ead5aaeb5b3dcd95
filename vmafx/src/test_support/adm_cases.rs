//! ADM cases the GPU backends' tests share: every output as bits, and option sets worth
//! covering.

use crate::feature::adm::{AdmOptions, AdmScores, CsfMode};

/// Every ADM output as bits, for exact comparison.
pub fn adm_bits(s: &AdmScores) -> Vec<u64> {
    let mut v = vec![s.adm2, s.adm3, s.aim, s.num, s.den];
    v.extend(s.scale);
    v.extend(s.scale_num);
    v.extend(s.scale_den);
    v.into_iter().map(f64::to_bits).collect()
}

/// Options worth covering: defaults, the `neg` models' gain limit, a fractional limit,
/// every CSF mode, other viewing conditions, weights and clips, and the skip switches.
pub fn adm_options(choice: u64) -> AdmOptions {
    let base = AdmOptions::default();
    match choice % 12 {
        0 => base,
        1 => AdmOptions {
            enhn_gain_limit: 1.0,
            ..base
        },
        2 => AdmOptions {
            enhn_gain_limit: 1.7,
            ..base
        },
        3 => AdmOptions {
            csf_mode: CsfMode::Barten,
            csf_scale: 2.5,
            csf_diag_scale: 0.75,
            ..base
        },
        4 => AdmOptions {
            csf_mode: CsfMode::BartenWatsonBlendMae,
            ..base
        },
        5 => AdmOptions {
            skip_aim: true,
            norm_view_dist: 5.0,
            ..base
        },
        6 => AdmOptions {
            skip_scale0: true,
            ..base
        },
        7 => AdmOptions {
            csf_mode: CsfMode::BartenWatsonBlend,
            ref_display_height: 2160,
            norm_view_dist: 1.5,
            ..base
        },
        8 => AdmOptions {
            noise_weight: 0.0,
            dlm_weight: 0.8,
            min_val: 0.3,
            ..base
        },
        9 => AdmOptions {
            noise_weight: 1500.0,
            enhn_gain_limit: 37.25,
            ..base
        },
        10 => AdmOptions {
            ref_display_height: 4320,
            norm_view_dist: 24.0,
            skip_aim: true,
            skip_scale0: true,
            ..base
        },
        _ => AdmOptions {
            csf_mode: CsfMode::Barten,
            ref_display_height: 720,
            norm_view_dist: 4.5,
            debug: true,
            ..base
        },
    }
}
