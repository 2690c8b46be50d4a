"""Time torchaudio's log-mel and MFCC of every FSDD clip, one clip per call,
by wall clock and by CPU time of the process.

usage: /usr/bin/python3 tools/oracle/fsdd_audio_cputime.py RECORDINGS_DIR THREADS

The loop and parameters are those of the reference benchmark
fsdd_features.py (n_fft 256, hop 80, 40 mel bands, dB with top_db 80,
13 MFCCs). On a busy machine other processes slow the wall clock far more
than they slow CPU time, though contention still lowers both. With one
thread, clips per CPU second is comparable with the cpu-clips/s of
BenchmarkFSDDAll in spectro/.
"""
import glob
import sys
import time

import soundfile
import torch
import torchaudio


def main():
    folder, threads = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(threads)
    clips = [torch.tensor(soundfile.read(f, dtype="float32")[0])
             for f in sorted(glob.glob(f"{folder}/*.wav"))]
    mel = torchaudio.transforms.MelSpectrogram(sample_rate=8000, n_fft=256, hop_length=80,
                                               n_mels=40)
    mfcc = torchaudio.transforms.MFCC(sample_rate=8000, n_mfcc=13,
                                      melkwargs={"n_fft": 256, "hop_length": 80, "n_mels": 40})
    to_db = torchaudio.transforms.AmplitudeToDB("power", top_db=80)
    wall, cpu = time.perf_counter(), time.process_time()
    for c in clips:
        to_db(mel(c))
        mfcc(c)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"threads {threads}: {len(clips) / wall:.0f} clips/s wall, "
          f"{len(clips) / cpu:.0f} clips per CPU second")


main()
