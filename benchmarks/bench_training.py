"""Training throughput, peak memory and model FLOPs utilisation of the conv GANs.

Each case runs in its own process, so its peak memory is its own:

    .venv/bin/python benchmarks/bench_training.py                 # all cases, markdown table
    .venv/bin/python benchmarks/bench_training.py --case adrenal64 --seconds 10
    .venv/bin/python benchmarks/bench_training.py --device cuda --compile

Cases: the default networks and training settings of GANOversampler (hinge
loss, AC-GAN loss, translation+cutout, EMA, spectral norm; AMP on CUDA) on

  breast28    BreastMNIST train, 28x28
  breast64    BreastMNIST train resized to 64x64 (bilinear)
  adrenal28   AdrenalMNIST3D train, 28^3
  adrenal64   AdrenalMNIST3D train resized to 64^3 (trilinear)

A step is one discriminator and one generator update on a batch. Training
FLOPs per sample are counted by ``torch.utils.flop_counter.FlopCounterMode``
over one whole step (matrix multiplications and convolutions, forward and
backward, G and D), divided by the batch size. Achieved FLOP/s is that count
times the measured steps per second; model FLOPs utilisation (MFU) divides it
by the peak measured on the same device: a large float32 matmul on the CPU,
a large bfloat16 matmul on CUDA.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time

CASES = {
    # name: (data set, side, spatial dims, batch on CPU, batch on CUDA)
    "breast28": ("breastmnist", 28, 2, 32, 32),
    "breast64": ("breastmnist", 64, 2, 32, 32),
    "adrenal28": ("adrenalmnist3d", 28, 3, 32, 32),
    "adrenal64": ("adrenalmnist3d", 64, 3, 4, 32),
}


def _sync(device) -> None:
    import torch

    if device.type == "cuda":
        torch.cuda.synchronize(device)


def matmul_peak(device, seconds: float = 2.0) -> float:
    """Measured FLOP/s of a large square matmul: bfloat16 on CUDA, float32 on the CPU."""
    import torch

    n, dtype = (8192, torch.bfloat16) if device.type == "cuda" else (2048, torch.float32)
    a = torch.randn(n, n, device=device, dtype=dtype)
    b = torch.randn(n, n, device=device, dtype=dtype)
    a @ b  # warm-up
    _sync(device)
    calls, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds or calls < 3:
        a @ b
        calls += 1
    _sync(device)
    return 2 * n**3 * calls / (time.perf_counter() - started)


def _training_data(case: str, device):
    import torch
    import torch.nn.functional as F

    from ganaug import datasets

    name, side, dims, _, _ = CASES[case]
    data = getattr(datasets, f"load_{name}")("train")
    x = torch.from_numpy(data.images).float().unsqueeze(1) / 127.5 - 1.0
    if x.shape[-1] != side:
        mode = "bilinear" if dims == 2 else "trilinear"
        x = F.interpolate(x, size=(side,) * dims, mode=mode, align_corners=False)
    return x.to(device), torch.from_numpy(data.target).to(device)


def run_case(
    case: str, device_name: str, seconds: float, compile: bool, threads: int | None = None
) -> dict:
    """Train one case for about ``seconds`` and return its measurements."""
    import torch

    if threads:
        torch.set_num_threads(threads)
    from torch.utils.flop_counter import FlopCounterMode

    from ganaug.data.conditions import ClassBalancedBatches
    from ganaug.nets import build_networks
    from ganaug.over_sampling import GANOversampler
    from ganaug.training import GANTrainer
    from ganaug.training.diffaugment import parse_policy
    from ganaug.training.runtime import resolve_device

    device = resolve_device(device_name)
    _, side, dims, cpu_batch, cuda_batch = CASES[case]
    batch_size = cuda_batch if device.type == "cuda" else cpu_batch
    X, y = _training_data(case, device)
    defaults = GANOversampler().get_params()
    torch.manual_seed(0)
    generator, discriminator = build_networks(
        "conv",
        n_classes=2,
        latent_dim=defaults["latent_dim"],
        spectral_norm=defaults["spectral_norm"],
        channels=1,
        spatial_shape=(side,) * dims,
    )
    trainer = GANTrainer(
        generator,
        discriminator,
        loss=defaults["loss"],
        generator_lr=defaults["generator_lr"],
        discriminator_lr=defaults["discriminator_lr"],
        augment=parse_policy("translation,cutout"),
        class_loss_weight=defaults["class_loss_weight"],
        ema_half_life=defaults["ema_half_life"],
        device=device,
        amp=True,
        compile=compile,
        verbose=0,
    )
    batches = iter(ClassBalancedBatches(X, y, batch_size, n_batches=10**9))
    for _ in range(3 if compile else 1):  # warm-up (and compilation)
        trainer._train_batch(*next(batches))
    _sync(device)
    with FlopCounterMode(display=False) as counter:
        trainer._train_batch(*next(batches))
    flops_per_step = counter.get_total_flops()

    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    steps, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds or steps < 2:
        trainer._train_batch(*next(batches))
        steps += 1
    _sync(device)
    elapsed = time.perf_counter() - started

    achieved = flops_per_step * steps / elapsed
    peak = matmul_peak(device)
    result = {
        "case": case,
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
        "precision": str(trainer.dtype).replace("torch.", "") if trainer.dtype else "float32",
        "compile": compile,
        "shape": [1, *(side,) * dims],
        "batch_size": batch_size,
        "steps": steps,
        "seconds": round(elapsed, 2),
        "samples_per_s": round(steps * batch_size / elapsed, 1),
        "train_gflop_per_sample": round(flops_per_step / batch_size / 1e9, 3),
        "achieved_gflop_s": round(achieved / 1e9, 1),
        "matmul_peak_gflop_s": round(peak / 1e9, 1),
        "mfu_percent": round(100 * achieved / peak, 1),
        "threads": torch.get_num_threads(),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    if device.type == "cuda":
        result["peak_memory_mib"] = round(torch.cuda.max_memory_allocated(device) / 2**20, 1)
    else:
        result["peak_memory_mib"] = round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
        )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=CASES, action="append")
    parser.add_argument("--device", default="auto", help="'auto', 'cpu' or 'cuda'")
    parser.add_argument("--seconds", type=float, default=5.0, help="measured time per case")
    parser.add_argument("--compile", action="store_true", help="train with torch.compile")
    parser.add_argument("--threads", type=int, help="CPU threads (default: torch's choice)")
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.in_process:
        print(
            json.dumps(
                run_case(args.case[0], args.device, args.seconds, args.compile, args.threads)
            )
        )
        return
    rows = []
    for case in args.case or CASES:
        command = [sys.executable, __file__, "--case", case, "--in-process"]
        command += ["--device", args.device, "--seconds", str(args.seconds)]
        command += ["--compile"] if args.compile else []
        command += ["--threads", str(args.threads)] if args.threads else []
        out = subprocess.run(command, capture_output=True, text=True, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), file=sys.stderr)
    print(f"\nMachine: {platform.machine()}, python {platform.python_version()}\n")
    print(
        "| case | device | precision | shape | batch | samples/s | train GFLOP/sample "
        "| achieved GFLOP/s | matmul peak GFLOP/s | MFU | peak memory (MiB) | threads |"
    )
    print("|---" * 12 + "|")
    for r in rows:
        print(
            f"| {r['case']} | {r['device']} | {r['precision']} | {tuple(r['shape'])} "
            f"| {r['batch_size']} | {r['samples_per_s']} | {r['train_gflop_per_sample']} "
            f"| {r['achieved_gflop_s']} | {r['matmul_peak_gflop_s']} | {r['mfu_percent']}% "
            f"| {r['peak_memory_mib']} | {r['threads']} |"
        )


if __name__ == "__main__":
    main()
