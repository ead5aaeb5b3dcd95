"""The conformance pairs through score() and through Scorer.push with numpy planes:
equal to libvmaf's golden JSON."""

from __future__ import annotations

import numpy as np
import pytest

import vmafx
from golden import Worst, command_options, compare, compare_aggregate, run_options
from y4m import read_y4m


def _summary(capsys, title: str, worst: Worst) -> None:
    with capsys.disabled():
        print(f"\n{title}: worst |delta| per metric vs libvmaf")
        for line in worst.lines():
            print("  " + line)


def test_score_matches_libvmaf_on_every_pair_and_model(corpus, manifest, capsys):
    worst = Worst()
    failures = []
    runs = 0
    for pair in manifest["pairs"]:
        for output in pair["outputs"]:
            model, features = run_options(pair, output)
            report = vmafx.score(
                corpus / pair["ref"], corpus / pair["dist"], models=model, features=features
            )
            place = f"{pair['name']} / {model}"
            failures += compare(report, corpus / output["json"], place, worst)
            runs += 1
    _summary(capsys, f"score(), {runs} runs", worst)
    assert runs >= len(manifest["pairs"])
    assert not failures, "\n".join(failures[:20])


def test_score_matches_libvmaf_parity_runs(corpus, manifest, capsys):
    """VMAF v1 (HFR, 2160), the 4K NEG model and the extra features (psnr_hvs, float_psnr,
    float_ansnr, float_moment, SpEED, PSNR with apsnr/mse): equal where libvmaf scored,
    refused with a VmafxError where libvmaf refused. Runs with CLI presets are the CLI's."""
    worst = Worst()
    failures = []
    runs = refusals = 0
    for pair in manifest["pairs"]:
        for output in pair.get("parity_outputs") or []:
            options = command_options(output["command"])
            if options is None:
                continue
            models, features, threads = options
            place = f"{pair['name']} / {output['output']}"

            def run():
                return vmafx.score(
                    corpus / pair["ref"], corpus / pair["dist"],
                    models=models, features=features, threads=threads,
                )

            if output["json"] is None:
                with pytest.raises(vmafx.VmafxError):
                    run()
                refusals += 1
                continue
            report = run()
            failures += compare(report, corpus / output["json"], place, worst)
            failures += compare_aggregate(report, corpus / output["json"], place, worst)
            runs += 1
    _summary(capsys, f"score(), parity: {runs} runs, {refusals} refusals as libvmaf's", worst)
    assert runs > 0
    assert not failures, "\n".join(failures[:20])


def _layout(planes, how: str):
    """The same samples in another memory layout: row-strided views into a larger array
    (read in place), every other column of a wider array or Fortran order (copied)."""
    out = []
    for plane in planes:
        h, w = plane.shape
        if how == "padded":
            big = np.zeros((h + 3, w + 17), dtype=plane.dtype)
            big[2 : 2 + h, 5 : 5 + w] = plane
            view = big[2 : 2 + h, 5 : 5 + w]
            assert not view.flags.c_contiguous
            out.append(view)
        elif how == "column_strided":
            wide = np.zeros((h, 2 * w), dtype=plane.dtype)
            wide[:, ::2] = plane
            out.append(wide[:, ::2])
        elif how == "fortran":
            out.append(np.asfortranarray(plane))
        else:
            out.append(plane)
    return tuple(out)


LAYOUTS = ["contiguous", "padded", "column_strided", "fortran"]


def test_scorer_push_matches_libvmaf_on_every_pair(corpus, manifest, capsys):
    worst = Worst()
    failures = []
    depths = set()
    for number, pair in enumerate(manifest["pairs"]):
        output = pair["outputs"][0]
        model, features = run_options(pair, output)
        fmt, references = read_y4m(corpus / pair["ref"])
        _, distorted = read_y4m(corpus / pair["dist"])
        depths.add(fmt.bit_depth)
        how = LAYOUTS[number % len(LAYOUTS)]
        # One thread reads the planes in place during push; several copy them into
        # batches. Both paths are covered.
        scorer = vmafx.Scorer(
            fmt.width,
            fmt.height,
            fmt.pixel_format,
            fmt.bit_depth,
            models=model,
            features=features,
            threads=1 if number % 2 else 0,
        )
        streamed = []
        with scorer:
            for ref, dist in zip(references, distorted):
                scorer.push(_layout(ref, how), _layout(dist, "padded"))
                streamed += list(scorer)
            report = scorer.finish()
        streamed += list(scorer)
        assert [f.index for f in streamed] == [f.index for f in report.frames]
        assert streamed == report.frames
        place = f"{pair['name']} / {model} ({how} planes)"
        failures += compare(report, corpus / output["json"], place, worst)
    _summary(capsys, "Scorer.push", worst)
    assert {8, 10, 12} <= depths
    assert not failures, "\n".join(failures[:20])
