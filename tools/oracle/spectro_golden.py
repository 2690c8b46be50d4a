"""Write the golden files of spectro/ and audio/, computed by torchaudio 0.13.

usage: /usr/bin/python3 tools/oracle/spectro_golden.py [RECORDINGS_DIR]

RECORDINGS_DIR defaults to ../shared/data/fsdd/recordings. The script
copies a few FSDD clips to spectro/testdata/clips/, adds a silent clip and
a clip shorter than n_fft (both 16-bit PCM), and writes:

  spectro/testdata/golden.json   log-mel (dB), MFCC and MFCC deltas of every
                                 clip for each config in CONFIGS
  audio/testdata/resample_golden.json
                                 torchaudio.functional.resample of one clip,
                                 8 kHz -> 16 kHz and back

Samples are read with python3-soundfile as float32, as the reference
benchmark does. The librosa configs reproduce librosa 0.10's defaults with
torchaudio (Slaney scale and norm, zero padding), since librosa is not
installed here.
"""
import json
import os
import shutil
import sys

import numpy
import soundfile
import torch
import torchaudio

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLIPS = ["0_george_0.wav", "1_jackson_3.wav", "2_lucas_10.wav", "3_nicolas_25.wav",
         "5_theo_4.wav", "6_yweweler_7.wav", "8_george_49.wav", "9_lucas_1.wav"]
SHORT_SAMPLES = 210  # under n_fft 256 and 400, over the reflect padding of both

# name: (MelSpectrogram keyword arguments, n_mfcc)
CONFIGS = {
    "torchaudio_fsdd": (dict(n_fft=256, hop_length=80, n_mels=40), 13),
    "librosa_fsdd": (dict(n_fft=256, hop_length=80, n_mels=40, pad_mode="constant",
                          norm="slaney", mel_scale="slaney"), 13),
    "torchaudio_default": (dict(), 40),
    "librosa_default": (dict(n_fft=2048, hop_length=512, n_mels=128, pad_mode="constant",
                             norm="slaney", mel_scale="slaney"), 20),
    # The less common options: a shorter Hamming window, no centring, a
    # magnitude spectrogram and a band limit.
    "hamming_magnitude": (dict(n_fft=256, win_length=200, hop_length=100, n_mels=32,
                               f_min=100.0, f_max=3500.0, power=1.0, center=False,
                               window_fn=torch.hamming_window), 13),
}


def rounded(t, digits=4):
    return [[round(float(v), digits) for v in row] for row in t]


def features(x, rate, melkwargs, n_mfcc):
    mel = torchaudio.transforms.MelSpectrogram(sample_rate=rate, **melkwargs)
    to_db = torchaudio.transforms.AmplitudeToDB("power", top_db=80)
    mfcc = torchaudio.transforms.MFCC(sample_rate=rate, n_mfcc=n_mfcc, melkwargs=melkwargs)
    log_mel = to_db(mel(x))
    coeffs = mfcc(x)
    deltas = torchaudio.functional.compute_deltas(coeffs, win_length=5)
    return {"frames": log_mel.shape[-1], "log_mel": rounded(log_mel),
            "mfcc": rounded(coeffs), "deltas": rounded(deltas)}


def prepare_clips(recordings, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for name in CLIPS:
        shutil.copyfile(os.path.join(recordings, name), os.path.join(out_dir, name))
    rate = soundfile.info(os.path.join(out_dir, CLIPS[0])).samplerate
    soundfile.write(os.path.join(out_dir, "silence.wav"), numpy.zeros(4000, numpy.int16),
                    rate, subtype="PCM_16")
    first, _ = soundfile.read(os.path.join(out_dir, CLIPS[0]), dtype="int16")
    soundfile.write(os.path.join(out_dir, "short.wav"), first[:SHORT_SAMPLES], rate,
                    subtype="PCM_16")
    return CLIPS + ["silence.wav", "short.wav"]


def spectro_golden(recordings):
    out_dir = os.path.join(ROOT, "spectro", "testdata", "clips")
    cases = []
    for name in prepare_clips(recordings, out_dir):
        samples, rate = soundfile.read(os.path.join(out_dir, name), dtype="float32")
        x = torch.tensor(samples)
        for config, (melkwargs, n_mfcc) in CONFIGS.items():
            if not melkwargs.get("center", True) and len(samples) < melkwargs["n_fft"]:
                continue  # torch.stft rejects it; spectro pads it with a note
            case = {"clip": "clips/" + name, "config": config, "sample_rate": rate}
            case.update(features(x, rate, melkwargs, n_mfcc))
            cases.append(case)
    golden = {
        "generator": "tools/oracle/spectro_golden.py",
        "torch": torch.__version__, "torchaudio": torchaudio.__version__,
        "configs": {k: {"melkwargs": {a: b for a, b in v[0].items() if a != "window_fn"},
                        "n_mfcc": v[1]} for k, v in CONFIGS.items()},
        "cases": cases,
    }
    with open(os.path.join(ROOT, "spectro", "testdata", "golden.json"), "w") as f:
        json.dump(golden, f, separators=(",", ":"))


def resample_golden(recordings):
    name = "0_george_0.wav"
    samples, rate = soundfile.read(os.path.join(recordings, name), dtype="float32")
    x = torch.tensor(samples)
    up = torchaudio.functional.resample(x, rate, 2 * rate)
    down = torchaudio.functional.resample(up, 2 * rate, rate)
    golden = {
        "generator": "tools/oracle/spectro_golden.py",
        "torchaudio": torchaudio.__version__, "clip": name, "rate": rate,
        "samples": [float(v) for v in x],
        "up": [float("%.8g" % v) for v in up],
        "down": [float("%.8g" % v) for v in down],
    }
    with open(os.path.join(ROOT, "audio", "testdata", "resample_golden.json"), "w") as f:
        json.dump(golden, f, separators=(",", ":"))


def main():
    default = os.path.join(ROOT, "..", "shared", "data", "fsdd", "recordings")
    recordings = sys.argv[1] if len(sys.argv) > 1 else default
    torch.set_num_threads(1)
    spectro_golden(recordings)
    resample_golden(recordings)


main()
