//! Reading libvmaf's JSON model files and checking them before use.
//!
//! A file holds either one model (`{"model_dict": {...}}`) or a bootstrap collection
//! (`{"0": {"model_dict": ...}, "1": ..., ...}`): entry "0" is the main model, the
//! following consecutive entries are the bootstrap members.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::predict::{ChromaCorrection, Normalisation, Regressor, ScoreTransform, MAX_FEATURES};
use super::svm::SvmModel;
use super::{ModelData, ModelFeature};
use crate::{Error, Result};

/// libvmaf's upper bound on the number of knots of a piecewise-linear transform.
const MAX_KNOTS: usize = 10;

/// The `model_type` of one entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ModelType {
    Plain,
    Bootstrap,
    ResidueBootstrap,
}

/// One `model_dict`, checked, with its features still local to it.
struct Entry {
    model_type: Option<ModelType>,
    features: Vec<ModelFeature>,
    regressor: Regressor,
}

/// Parses a model file's text. `label` names the model in error messages.
pub(crate) fn parse(label: &str, json: &str) -> Result<ModelData> {
    let fail = |reason: String| Error::Model {
        name: label.to_owned(),
        reason,
    };
    let root: Value =
        serde_json::from_str(json).map_err(|e| fail(format!("not valid JSON: {e}")))?;
    let Value::Object(mut root) = root else {
        return Err(fail("the top level is not a JSON object".to_owned()));
    };

    if let Some(dict) = root.remove("model_dict") {
        let entry = parse_entry(dict).map_err(fail)?;
        return Ok(assemble(vec![entry]));
    }
    if !root.contains_key("0") {
        return Err(fail(
            "neither a \"model_dict\" nor a bootstrap collection (keys \"0\", \"1\", ...)"
                .to_owned(),
        ));
    }
    let mut entries = Vec::new();
    while let Some(value) = root.remove(&entries.len().to_string()) {
        let key = entries.len();
        let entry = parse_collection_entry(value).map_err(|e| fail(format!("model {key}: {e}")))?;
        entries.push(entry);
    }
    check_collection(&entries).map_err(fail)?;
    Ok(assemble(entries))
}

fn parse_collection_entry(value: Value) -> Result<Entry, String> {
    let Value::Object(mut object) = value else {
        return Err("not a JSON object".to_owned());
    };
    let dict = object
        .remove("model_dict")
        .ok_or_else(|| "missing field \"model_dict\"".to_owned())?;
    parse_entry(dict)
}

/// The members (entries 1..) must all be bootstrap models of one kind.
fn check_collection(entries: &[Entry]) -> Result<(), String> {
    if entries.len() < 2 {
        return Err("a bootstrap collection needs model \"1\" besides model \"0\"".to_owned());
    }
    let kind = entries[1].model_type;
    if !matches!(
        kind,
        Some(ModelType::Bootstrap | ModelType::ResidueBootstrap)
    ) {
        return Err(
            "model 1: model_type must be BOOTSTRAP_LIBSVMNUSVR or RESIDUEBOOTSTRAP_LIBSVMNUSVR"
                .to_owned(),
        );
    }
    if let Some(i) = (2..entries.len()).find(|&i| entries[i].model_type != kind) {
        return Err(format!("model {i}: model_type differs from model 1's"));
    }
    Ok(())
}

/// Builds the model's feature list (the main model's features, then any other feature a
/// member uses) and points every regressor's inputs into it.
fn assemble(entries: Vec<Entry>) -> ModelData {
    let mut features: Vec<ModelFeature> = Vec::new();
    let mut regressors = Vec::with_capacity(entries.len());
    for entry in entries {
        let mut regressor = entry.regressor;
        regressor.inputs = entry
            .features
            .into_iter()
            .map(
                |feature| match features.iter().position(|f| *f == feature) {
                    Some(position) => position,
                    None => {
                        features.push(feature);
                        features.len() - 1
                    }
                },
            )
            .collect();
        regressors.push(regressor);
    }
    let mut regressors = regressors.into_iter();
    let main = regressors.next().expect("parse yields at least one entry");
    let members: Vec<Regressor> = regressors.collect();
    ModelData {
        features,
        main,
        bootstrap: (!members.is_empty()).then_some(members),
    }
}

fn parse_entry(dict: Value) -> Result<Entry, String> {
    let Value::Object(mut dict) = dict else {
        return Err("\"model_dict\" is not a JSON object".to_owned());
    };
    let model_type = match take::<String>(&mut dict, "model_type")?.as_deref() {
        None => None,
        Some("LIBSVMNUSVR") => Some(ModelType::Plain),
        Some("BOOTSTRAP_LIBSVMNUSVR") => Some(ModelType::Bootstrap),
        Some("RESIDUEBOOTSTRAP_LIBSVMNUSVR") => Some(ModelType::ResidueBootstrap),
        Some(other) => return Err(format!("unknown model_type {other:?}")),
    };

    let names: Vec<String> = require(&mut dict, "feature_names")?;
    if names.is_empty() {
        return Err("feature_names is empty".to_owned());
    }
    if names.len() > MAX_FEATURES {
        return Err(format!(
            "{} features, more than the {MAX_FEATURES} supported",
            names.len()
        ));
    }
    let features = parse_features(names, take(&mut dict, "feature_opts_dicts")?)?;
    let count = features.len();

    let normalisation = parse_normalisation(&mut dict, count)?;
    let svm_text: String = require(&mut dict, "model")?;
    let svm = SvmModel::parse(&svm_text).map_err(|e| format!("libsvm model: {e}"))?;
    if usize::try_from(svm.max_index()).map_or(true, |index| index > count) {
        return Err(format!(
            "libsvm model: a support vector uses feature index {}, but there are only {count} \
             features",
            svm.max_index()
        ));
    }

    let clip = match take::<Vec<f64>>(&mut dict, "score_clip")? {
        None => None,
        Some(range) => match range[..] {
            [min, max] if min.is_finite() && max.is_finite() && min <= max => Some((min, max)),
            _ => return Err(format!("score_clip must be [min, max], found {range:?}")),
        },
    };
    let transform = match dict.remove("score_transform") {
        None => None,
        Some(value) => Some(parse_transform(value).map_err(|e| format!("score_transform: {e}"))?),
    };
    let chroma = match take::<f64>(&mut dict, "chroma_correction_parameter")? {
        None => None,
        Some(parameter) => Some(parse_chroma(parameter, &features, &normalisation)?),
    };

    Ok(Entry {
        model_type,
        features,
        regressor: Regressor {
            inputs: Vec::new(),
            normalisation,
            svm,
            chroma,
            clip,
            transform,
        },
    })
}

fn parse_features(
    names: Vec<String>,
    options: Option<Vec<Map<String, Value>>>,
) -> Result<Vec<ModelFeature>, String> {
    let options = options.unwrap_or_default();
    if options.len() > names.len() {
        return Err(format!(
            "feature_opts_dicts has {} entries for {} features",
            options.len(),
            names.len()
        ));
    }
    let mut options = options.into_iter();
    names
        .into_iter()
        .map(|name| {
            let mut feature = ModelFeature {
                name,
                options: BTreeMap::new(),
                text_options: BTreeMap::new(),
            };
            for (key, value) in options.next().unwrap_or_default() {
                let bad = |what: &str| format!("option {key} of {}: {what}", feature.name);
                match value {
                    Value::Number(n) => {
                        let value = n
                            .as_f64()
                            .map(option_number)
                            .filter(|v| v.is_finite())
                            .ok_or_else(|| bad("not a finite number"))?;
                        feature.options.insert(key, value);
                    }
                    Value::Bool(b) => {
                        feature.text_options.insert(key, b.to_string());
                    }
                    Value::String(s) => {
                        feature.text_options.insert(key, s);
                    }
                    _ => return Err(bad("must be a number, a boolean or a string")),
                }
            }
            Ok(feature)
        })
        .collect()
}

/// A numeric option as libvmaf stores it: rounded to single precision, then written
/// with six significant digits (`%g`) and read back by the feature extractor.
fn option_number(value: f64) -> f64 {
    let single = f64::from(value as f32);
    format!("{single:.5e}").parse().unwrap_or(f64::NAN)
}

fn parse_normalisation(
    dict: &mut Map<String, Value>,
    count: usize,
) -> Result<Normalisation, String> {
    let norm_type: String = require(dict, "norm_type")?;
    match norm_type.as_str() {
        "none" => Ok(Normalisation::None),
        "linear_rescale" => {
            let slopes: Vec<f64> = require(dict, "slopes")?;
            let intercepts: Vec<f64> = require(dict, "intercepts")?;
            for (field, values) in [("slopes", &slopes), ("intercepts", &intercepts)] {
                if values.len() != count + 1 {
                    return Err(format!(
                        "{field} has {} values; {count} features need {} (the first is the \
                         model's own)",
                        values.len(),
                        count + 1
                    ));
                }
                if let Some(v) = values.iter().find(|v| !v.is_finite()) {
                    return Err(format!("{field} holds a non-finite value {v}"));
                }
            }
            if slopes[0] == 0.0 {
                return Err(
                    "the model's slope (slopes[0]) is 0, so scores cannot be mapped back"
                        .to_owned(),
                );
            }
            Ok(Normalisation::LinearRescale {
                slope: slopes[0],
                intercept: intercepts[0],
                feature_slopes: slopes[1..].to_vec(),
                feature_intercepts: intercepts[1..].to_vec(),
            })
        }
        other => Err(format!(
            "unknown norm_type {other:?} (expected \"linear_rescale\" or \"none\")"
        )),
    }
}

fn parse_transform(value: Value) -> Result<ScoreTransform, String> {
    let Value::Object(mut t) = value else {
        return Err("not a JSON object".to_owned());
    };
    let finite = |name: &str, v: Option<f64>| match v {
        Some(x) if !x.is_finite() => Err(format!("{name} is not finite")),
        _ => Ok(v),
    };
    let knots = match take::<Vec<Vec<f64>>>(&mut t, "knots")? {
        None => None,
        Some(list) => parse_knots(list)?,
    };
    Ok(ScoreTransform {
        enabled: take(&mut t, "enabled")?.unwrap_or(false),
        p0: finite("p0", take(&mut t, "p0")?)?,
        p1: finite("p1", take(&mut t, "p1")?)?,
        p2: finite("p2", take(&mut t, "p2")?)?,
        knots,
        // libvmaf takes these as strings and treats anything but "true" as false.
        out_lte_in: take::<String>(&mut t, "out_lte_in")?.as_deref() == Some("true"),
        out_gte_in: take::<String>(&mut t, "out_gte_in")?.as_deref() == Some("true"),
    })
}

/// Fewer than two knots leave the score unchanged, as in libvmaf.
fn parse_knots(list: Vec<Vec<f64>>) -> Result<Option<Vec<(f64, f64)>>, String> {
    if list.len() > MAX_KNOTS {
        return Err(format!("{} knots, more than {MAX_KNOTS}", list.len()));
    }
    let knots = list
        .iter()
        .map(|knot| match knot[..] {
            [x, y] if x.is_finite() && y.is_finite() => Ok((x, y)),
            _ => Err(format!("a knot must be [x, y], found {knot:?}")),
        })
        .collect::<Result<Vec<_>, _>>()?;
    if knots.len() < 2 {
        return Ok(None);
    }
    if knots
        .windows(2)
        .any(|w| !(w[0].0 < w[1].0 && w[0].1 <= w[1].1))
    {
        return Err("knots need increasing x and non-decreasing y".to_owned());
    }
    Ok(Some(knots))
}

fn parse_chroma(
    parameter: f64,
    features: &[ModelFeature],
    normalisation: &Normalisation,
) -> Result<ChromaCorrection, String> {
    if parameter == 0.0 || !parameter.is_finite() {
        return Err(format!(
            "chroma_correction_parameter must be finite and non-zero, found {parameter}"
        ));
    }
    let find = |part: &str| {
        let mut hits = features
            .iter()
            .enumerate()
            .filter(|(_, f)| f.name.contains(part));
        match (hits.next(), hits.next()) {
            (Some((i, _)), None) => Ok(i),
            _ => Err(format!(
                "chroma_correction_parameter needs exactly one feature whose name contains \
                 {part:?}"
            )),
        }
    };
    let (guiding, guided) = (find("adm3")?, find("speed_chroma")?);
    if guiding == guided {
        return Err("the chroma correction's features must differ".to_owned());
    }
    if let Normalisation::LinearRescale { feature_slopes, .. } = normalisation {
        if feature_slopes[guiding] == 0.0 || feature_slopes[guided] == 0.0 {
            return Err("the chroma correction's features need non-zero slopes".to_owned());
        }
    }
    Ok(ChromaCorrection {
        parameter,
        guiding,
        guided,
    })
}

/// Removes and decodes an optional field; `null` counts as absent.
fn take<T: DeserializeOwned>(
    dict: &mut Map<String, Value>,
    key: &str,
) -> Result<Option<T>, String> {
    match dict.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => serde_json::from_value(value)
            .map(Some)
            .map_err(|e| format!("{key}: {e}")),
    }
}

fn require<T: DeserializeOwned>(dict: &mut Map<String, Value>, key: &str) -> Result<T, String> {
    take(dict, key)?.ok_or_else(|| format!("missing field {key:?}"))
}
