"""The scale benchmark's synthetic data folder (bench/synthetic.py) is valid data: bench/run.py refuses
to time a folder with problems, so a new cross-table rule must not leave the benchmark broken."""
from __future__ import annotations

import importlib.util

from conftest import ROOT


def test_the_benchmark_s_synthetic_folder_validates(tmp_path):
    spec = importlib.util.spec_from_file_location("bench_synthetic", ROOT / "bench" / "synthetic.py")
    synthetic = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synthetic)
    from schemas import read_dataset, validate_dataset
    folder = synthetic.synthetic_data_dir(tmp_path / "synthetic", 50)
    dataset = read_dataset(folder)
    assert len(dataset.frame("cases")) >= 50
    assert [str(p) for p in validate_dataset(dataset)] == []
