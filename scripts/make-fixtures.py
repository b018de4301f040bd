#!/usr/bin/env python3
"""Make the speech and image fixtures of the ailevel suites, reproducibly.

Reads  suites/fixtures/manifest.yaml
Writes suites/fixtures/<category>/<id>.wav (16 kHz mono 16-bit PCM) and <id>.png,
       suites/fixtures/index.yaml (path, SHA-256, size, duration and embedded metadata of each).

Speech: espeak-ng speaks the text, sox trims and resamples it (and adds room reverberation for
far-field scenes), and a noise bed of the named scene is mixed in at the stated SNR. Noise beds
are built from sox `synth` noise run with `-R` (repeatable), extra layers of espeak-ng talkers
(babble, TV dialogue, station announcements) and events made by Python's seeded generator
(horns, keyboard clicks, clinking dishes, TV music). Images are drawn by ImageMagick with the
WenQuanYi Micro Hei font; the pixels are written to PNG by this script.

Every file carries the text that was spoken or drawn as metadata: a RIFF LIST/INFO/ICMT chunk
in a WAV, a tEXt chunk with keyword `ailevel` in a PNG, both holding a small JSON object. The
reference simulator reads it instead of doing speech or text recognition.

The same manifest gives the same bytes on the same tool versions (recorded in index.yaml).

Usage:
  scripts/make-fixtures.py              regenerate everything (installs missing tools as root)
  scripts/make-fixtures.py --check      verify the committed files against index.yaml only
  scripts/make-fixtures.py --out DIR    generate into DIR instead (e.g. to compare two machines)
Only the Python standard library is used.
"""

import argparse
import hashlib
import json
import math
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from itertools import count
from array import array
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITES = ROOT / "suites"
FIXTURES = SUITES / "fixtures"
MANIFEST = FIXTURES / "manifest.yaml"
INDEX = "index.yaml"

RATE = 16000
CATEGORIES = ("phone", "pc", "tv", "glasses", "car", "speaker", "earphone", "common")
LANGS = ("zh", "en")
SPEECH_LEVEL_DBFS = -26.0  # active speech level of every fixture (ITU-T P.56 nominal)
LEAD_S, TAIL_S = 0.30, 0.30  # noise before and after the utterance
BED_S = 30.0  # length of each scene's noise bed; fixtures take a seeded window of it
MAX_TOTAL_BYTES = 20 * 1024 * 1024
IMAGE_W, IMAGE_H = 480, 320
FONT_CANDIDATES = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",)
APT_PACKAGES = {"espeak-ng": "espeak-ng", "sox": "sox", "imagemagick": "imagemagick", "font": "fonts-wqy-microhei"}
ENV = dict(os.environ, MAGICK_THREAD_LIMIT="1", OMP_NUM_THREADS="1", LC_ALL="C.UTF-8")

SPEECH_KEYS = {"id", "kind", "category", "text", "lang", "voice", "scene", "snr_db", "rate", "pitch", "far_field", "wake"}
IMAGE_KEYS = {"id", "kind", "category", "text", "lang", "layout", "style", "draw", "objects"}
REQUIRED = {
    "speech": {"id", "kind", "category", "text", "lang", "voice", "scene", "snr_db"},
    "image": {"id", "kind", "category", "text", "lang", "layout", "objects"},
}


class Fail(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# A small, strict reader for the YAML subset the manifest and index use: top-level `key: value`
# pairs and one list of flat mappings. Values starting with `"`, `[` or `{` are JSON (which is
# also YAML); otherwise numbers, true/false/null or plain strings.


def parse_scalar(raw, where):
    raw = raw.strip()
    if raw[:1] in ('"', "[", "{"):
        try:
            return json.loads(raw)
        except json.JSONDecodeError as e:
            raise Fail(f"{where}: bad value {raw!r}: {e}") from None
    raw = re.sub(r"\s+#.*$", "", raw)
    if raw in ("true", "false"):
        return raw == "true"
    if raw in ("null", "~", ""):
        return None
    if re.fullmatch(r"-?\d+", raw):
        return int(raw)
    if re.fullmatch(r"-?\d+\.\d*", raw):
        return float(raw)
    return raw


def parse_mini_yaml(text, path):
    top, key, container, item = {}, None, None, None
    for n, line in enumerate(text.splitlines(), 1):
        where = f"{path}:{n}"
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = re.fullmatch(r"([A-Za-z_][\w-]*):(?:\s+(.*))?", line)
        if m:
            key, value = m.group(1), m.group(2)
            if key in top:
                raise Fail(f"{where}: duplicate key `{key}`")
            empty = value is None or not value.strip()
            top[key] = None if empty else parse_scalar(value, where)
            container = key if empty else None
            item = None
            continue
        m = re.fullmatch(r"  (- |  |)([A-Za-z_][\w.-]*):\s+(.*)", line)
        if not m or container is None:
            raise Fail(f"{where}: cannot read this line (expected `key: value`, `  - key: value` or `    key: value`)")
        lead, k, v = m.groups()
        if lead == "":  # a nested mapping, e.g. `tools:`
            if top[container] is None:
                top[container] = {}
            target = top[container]
            if not isinstance(target, dict):
                raise Fail(f"{where}: mapping entry inside a list")
        else:
            if top[container] is None:
                top[container] = []
            if not isinstance(top[container], list):
                raise Fail(f"{where}: list item inside a mapping")
            if lead == "- ":
                item = {}
                top[container].append(item)
            elif item is None:
                raise Fail(f"{where}: continuation line before a `- ` item")
            target = item
        if k in target:
            raise Fail(f"{where}: duplicate key `{k}`")
        target[k] = parse_scalar(v, where)
    return top


def yaml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return json.dumps(v)
    if isinstance(v, str) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_./+-]*", v) and v not in ("true", "false", "null"):
        return v
    return json.dumps(v, ensure_ascii=False, separators=(", ", ": "))


# ---------------------------------------------------------------------------------------------
# Manifest


def load_manifest(path=MANIFEST):
    doc = parse_mini_yaml(path.read_text(encoding="utf-8"), path)
    if doc.get("version") != 1:
        raise Fail(f"{path}: expected `version: 1`")
    items = doc.get("fixtures")
    if not isinstance(items, list) or not items:
        raise Fail(f"{path}: `fixtures` must be a non-empty list")
    seen = set()
    for i, e in enumerate(items):
        where = f"{path}: fixture {i + 1} ({e.get('id', '?')})"
        kind = e.get("kind")
        if kind not in REQUIRED:
            raise Fail(f"{where}: kind must be speech or image")
        missing = REQUIRED[kind] - set(e)
        unknown = set(e) - (SPEECH_KEYS if kind == "speech" else IMAGE_KEYS)
        if missing or unknown:
            raise Fail(f"{where}: missing {sorted(missing)} unknown {sorted(unknown)}")
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", str(e["id"])):
            raise Fail(f"{where}: id must be lower-case letters, digits and dashes")
        if e["id"] in seen:
            raise Fail(f"{where}: duplicate id")
        seen.add(e["id"])
        if e["category"] not in CATEGORIES:
            raise Fail(f"{where}: unknown category `{e['category']}`")
        if e["lang"] not in LANGS:
            raise Fail(f"{where}: lang must be zh or en")
        if not isinstance(e["text"], str):
            raise Fail(f"{where}: text must be a string")
        if kind == "speech":
            if e["scene"] not in SCENES:
                raise Fail(f"{where}: unknown scene `{e['scene']}` (known: {', '.join(SCENES)})")
            if not isinstance(e["snr_db"], (int, float)) or not -10 <= e["snr_db"] <= 60:
                raise Fail(f"{where}: snr_db must be a number in [-10, 60]")
            if not e["text"].strip():
                raise Fail(f"{where}: speech needs text")
            if "wake" in e and not isinstance(e["wake"], bool):
                raise Fail(f"{where}: wake must be true or false")
        else:
            if e["layout"] not in ("sign", "label", "scene"):
                raise Fail(f"{where}: layout must be sign, label or scene")
            if e["layout"] == "scene" and e.get("draw") not in DRAWINGS:
                raise Fail(f"{where}: a scene needs `draw` (one of {', '.join(DRAWINGS)})")
            if not isinstance(e["objects"], list) or not all(isinstance(o, str) for o in e["objects"]):
                raise Fail(f"{where}: objects must be a list of strings")
    return items


def rel_file(e):
    ext = "wav" if e["kind"] == "speech" else "png"
    return f"fixtures/{e['category']}/{e['id']}.{ext}"


def meta_of(e):
    """The JSON object embedded in the file: what a perfect recogniser would read from it."""
    m = {"ailevel": 1, "text": e["text"], "lang": e["lang"]}
    if e["kind"] == "speech":
        m["scene"] = e["scene"]
        m["snr_db"] = e["snr_db"]
    else:
        m["objects"] = e["objects"]
        m["layout"] = e["layout"]
    return m


def meta_json(meta):
    return json.dumps(meta, ensure_ascii=True, separators=(",", ":"))


def seed_of(*parts):
    return int.from_bytes(hashlib.sha256("/".join(parts).encode()).digest()[:8], "big")


# ---------------------------------------------------------------------------------------------
# Tools


def run(cmd, data=None):
    r = subprocess.run(cmd, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    if r.returncode != 0:
        raise Fail(f"`{' '.join(map(str, cmd[:6]))} …` failed ({r.returncode}): {r.stderr.decode(errors='replace')[-800:]}")
    return r.stdout


class Tools:
    def __init__(self):
        self.espeak = shutil.which("espeak-ng")
        self.sox = shutil.which("sox")
        self.magick = self._imagemagick()
        self.font = next((f for f in FONT_CANDIDATES if Path(f).is_file()), None)

    @staticmethod
    def _imagemagick():
        # /usr/local/bin/convert may be a stand-in; only a binary that says "ImageMagick" counts.
        for cand in ("magick", "convert-im6.q16", "/usr/bin/convert", "convert"):
            path = shutil.which(cand)
            if not path:
                continue
            try:
                out = subprocess.run([path, "-version"], capture_output=True, timeout=20).stdout
            except (OSError, subprocess.TimeoutExpired):
                continue
            if b"ImageMagick" in out:
                return path
        return None

    def missing(self):
        have = {"espeak-ng": self.espeak, "sox": self.sox, "imagemagick": self.magick, "font": self.font}
        return [APT_PACKAGES[k] for k, v in have.items() if not v]

    def versions(self):
        def first(cmd):
            return run(cmd).decode(errors="replace").strip().splitlines()[0]

        v = {
            "espeak-ng": re.sub(r"\s+Data at:.*", "", first([self.espeak, "--version"])).replace("eSpeak NG text-to-speech: ", ""),
            "sox": first([self.sox, "--version"]).split("SoX ")[-1].strip(),
            "imagemagick": re.sub(r"^Version: ImageMagick |\s+https?://\S+$", "", first([self.magick, "-version"])),
            "font": f"{Path(self.font).name} sha256:{hashlib.sha256(Path(self.font).read_bytes()).hexdigest()[:16]}",
            "python": sys.version.split()[0],
        }
        if shutil.which("dpkg-query"):
            for pkg in ("espeak-ng-data", "libsox3", "libmagickcore-6.q16-6"):
                r = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", pkg], capture_output=True)
                if r.returncode == 0 and r.stdout:
                    v[f"deb-{pkg}"] = r.stdout.decode().strip()
        return v


def ensure_tools(install):
    tools = Tools()
    pkgs = tools.missing()
    if not pkgs:
        return tools
    if not install or os.geteuid() != 0 or not shutil.which("apt-get"):
        raise Fail(f"missing tools; install the Debian packages: {' '.join(pkgs)}")
    print(f"installing {' '.join(pkgs)}", file=sys.stderr)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *pkgs], check=True, env=env)
    tools = Tools()
    if tools.missing():
        raise Fail(f"still missing after install: {' '.join(tools.missing())}")
    return tools


# ---------------------------------------------------------------------------------------------
# Audio helpers (samples are Python lists of floats at 16 kHz, full scale = 1.0)

TMP_NAMES = count()  # next() on itertools.count is atomic under the GIL
RAW = ["-t", "raw", "-e", "floating-point", "-b", "32", "-c", "1", "-r", str(RATE), "-L"]


def f32_read(data):
    a = array("f")
    a.frombytes(data)
    if sys.byteorder != "little":
        a.byteswap()
    return a.tolist()


def f32_bytes(samples):
    a = array("f", samples)
    if sys.byteorder != "little":
        a.byteswap()
    return a.tobytes()


def rms(x):
    return math.sqrt(sum(v * v for v in x) / len(x)) if x else 0.0


def peak(x):
    return max((abs(v) for v in x), default=0.0)


def scaled(x, g):
    return [v * g for v in x]


def add_into(dst, src, at=0, gain=1.0):
    end = min(len(dst), at + len(src))
    for i in range(max(0, at), end):
        dst[i] += src[i - at] * gain


def active_level(x, frame=320, floor_db=35.0):
    """Active speech level (a simplified ITU-T P.56): RMS over the 20 ms frames whose energy is
    within `floor_db` of the loudest frame."""
    energies = [sum(v * v for v in x[i:i + frame]) / frame for i in range(0, len(x) - frame + 1, frame)]
    if not energies:
        return rms(x)
    top = max(energies)
    if top <= 0:
        return 0.0
    keep = [e for e in energies if e >= top * 10 ** (-floor_db / 10)]
    return math.sqrt(sum(keep) / len(keep))


class Audio:
    """sox and espeak-ng calls, in a private temporary directory."""

    def __init__(self, tools, tmp):
        self.t = tools
        self.tmp = Path(tmp)
        self.cache = {}

    def _path(self, ext):
        return self.tmp / f"a{next(TMP_NAMES)}.{ext}"

    def sox_fx(self, samples, effects):
        """Run samples through a sox effects chain; the result keeps the input length."""
        if not effects:
            return list(samples)
        src, dst = self._path("f32"), self._path("f32")
        src.write_bytes(f32_bytes(samples))
        run([self.t.sox, "-D", "-R", "-V1", *RAW, str(src), *RAW, str(dst), *map(str, effects)])
        out = f32_read(dst.read_bytes())
        src.unlink()
        dst.unlink()
        return (out + [0.0] * len(samples))[: len(samples)]

    def synth(self, noise, seconds, slot, effects):
        """`sox -R … synth` noise. sox's repeatable mode always starts the generator from the same
        seed, so each layer of every scene skips to its own slot of the sequence with `trim`."""
        skip = slot * 31
        dst = self._path("f32")
        cmd = [self.t.sox, "-D", "-R", "-V1", "-n", *RAW, str(dst), "synth", f"{skip + seconds:g}", noise,
               "trim", str(skip), f"{seconds:g}", "gain", "-12", *map(str, effects)]
        run(cmd)
        out = f32_read(dst.read_bytes())
        dst.unlink()
        n = int(round(seconds * RATE))
        return (out + [0.0] * n)[:n]

    def speak(self, text, voice, rate, pitch, effects=()):
        """espeak-ng → 16 kHz float samples, leading and trailing silence removed."""
        key = (text, voice, rate, pitch, tuple(effects))
        if key in self.cache:
            return self.cache[key]
        wav, dst = self._path("wav"), self._path("f32")
        run([self.t.espeak, "-v", voice, "-s", str(rate), "-p", str(pitch), "-w", str(wav), "--stdin"],
            data=text.encode("utf-8"))
        run([self.t.sox, "-D", "-R", "-V1", str(wav), *RAW, str(dst),
             "silence", "1", "0.01", "0.3%", "reverse", "silence", "1", "0.01", "0.3%", "reverse",
             "highpass", "60", "rate", "-h", str(RATE), *map(str, effects)])
        out = f32_read(dst.read_bytes())
        wav.unlink()
        dst.unlink()
        if not out:
            raise Fail(f"espeak-ng produced no audio for {text!r} ({voice})")
        self.cache[key] = out
        return out


# ---------------------------------------------------------------------------------------------
# Noise scenes. Each is a list of layers; every layer is normalised to RMS 1, weighted by its
# gain in dB, summed, and the bed normalised again. Fixtures take a seeded window of the bed and
# scale it to the SNR.

BABBLE_ZH = [
    "我们周末去公园散步吧", "这个菜有点咸，下次少放点盐", "你昨天看的那场比赛怎么样", "明天的会议改到下午了",
    "孩子的作业写完了没有", "超市今天打折，鸡蛋很便宜", "我觉得这部电视剧挺好看的", "下个月我们一起去旅行",
    "他说路上堵车，要晚一点到", "这家店的面条味道不错", "你把钥匙放在哪里了", "天气越来越热了",
    "周五晚上一起吃火锅吧", "我妈妈明天过来看我们", "这个月的电费有点高",
]
BABBLE_EN = [
    "Did you see the game last night", "I think we should leave a bit earlier", "The soup here is really good",
    "Let's meet at the coffee shop after work", "My brother is moving to a new flat", "Can you pass me the salt please",
]
TV_LINES = [
    "观众朋友们，晚上好，欢迎收看今天的节目", "你为什么一直不接我的电话", "比赛进入了最后五分钟，比分还是一比一",
    "接下来是天气预报", "我早就告诉过你，不要相信他", "这款洗衣机现在下单立减三百元", "明天我们在老地方见面",
]
PA_LINES = [
    "各位旅客请注意，开往上海的列车即将进站，请站在黄线以外", "Passengers for platform four, please stand behind the yellow line",
    "开往南京南方向的列车，现在开始检票",
]
ZH_VARIANTS = ["m1", "m2", "m3", "m4", "m7", "f1", "f2", "f3", "f4", "f5"]
EN_VARIANTS = ["m1", "m3", "f2", "f3", "f4"]

# (type, parameters, gain_db). Types: synth (sox noise + filters), talkers (espeak-ng babble),
# events (seeded clicks, clinks, horns), music (seeded melody), pa (announcements with a chime).
SCENES = {
    "quiet_room": {
        "imitates": "quiet home or test room: ventilation hiss and low hum only",
        "layers": [("synth", ("pinknoise", ["sinc", "40-2500"]), 0), ("synth", ("brownnoise", ["lowpass", "120"]), -6)],
    },
    "office": {
        "imitates": "open-plan office (ETSI EG 202 396-1 office): air conditioning, keyboards, a distant colleague",
        "layers": [
            ("synth", ("pinknoise", ["sinc", "60-4000"]), 0),
            ("events", ("keyboard", ["highpass", "1200"]), -4),
            ("talkers", ({"n": 1, "bank": "zh", "fx": ["sinc", "200-4000", "reverb", "60", "50", "80"]}), -8),
        ],
    },
    "living_room_tv": {
        "imitates": "living room with the TV on (far-field): TV dialogue and music in a reverberant room",
        "layers": [
            ("talkers", ({"n": 1, "bank": "tv", "fx": ["sinc", "150-6000", "reverb", "50", "50", "70"]}), 0),
            ("music", ({"fx": ["reverb", "50", "50", "70"]}), -8),
            ("synth", ("pinknoise", ["lowpass", "1500"]), -20),
        ],
    },
    "street": {
        "imitates": "pavement of a busy road (ETSI street scene): traffic rumble, passing cars, horns, passers-by",
        "layers": [
            ("synth", ("brownnoise", ["lowpass", "800", "tremolo", "0.12", "60"]), 0),
            ("synth", ("pinknoise", ["sinc", "1000-6000", "tremolo", "0.08", "50"]), -8),
            ("events", ("horn", []), -6),
            ("talkers", ({"n": 2, "bank": "zh", "fx": ["sinc", "150-5000"]}), -12),
        ],
    },
    "car_cabin_highway": {
        "imitates": "car cabin at highway speed (ITU-T P.1100 / GB/T 45314 style): engine and road rumble, wind, tyres",
        "layers": [
            ("synth", ("brownnoise", ["lowpass", "250", "tremolo", "0.2", "15"]), 0),
            ("synth", ("pinknoise", ["sinc", "500-2500"]), -8),
            ("synth", ("whitenoise", ["sinc", "1000-4000"]), -18),
        ],
    },
    "cabin_passengers_talking": {
        "imitates": "car cabin at speed with two passengers talking (several occupants)",
        "layers": [
            ("synth", ("brownnoise", ["lowpass", "250", "tremolo", "0.2", "15"]), -4),
            ("synth", ("pinknoise", ["sinc", "500-2500"]), -12),
            ("talkers", ({"n": 2, "bank": "zh", "fx": ["sinc", "100-6000", "reverb", "10", "50", "10"]}), 0),
        ],
    },
    "cafeteria": {
        "imitates": "cafeteria or family meal (ETSI cafeteria scene): many talkers, dishes, reverberant hall",
        "layers": [
            ("talkers", ({"n": 6, "bank": "mixed", "fx": ["reverb", "60", "50", "90"]}), 0),
            ("events", ("dishes", []), -8),
            ("synth", ("pinknoise", ["lowpass", "3000"]), -14),
        ],
    },
    "station": {
        "imitates": "railway station hall (ETSI train station scene): crowd, announcements, train rumble",
        "layers": [
            ("talkers", ({"n": 4, "bank": "mixed", "fx": ["reverb", "80", "40", "100"]}), -3),
            ("pa", ({"fx": ["sinc", "300-3400", "reverb", "90", "30", "100"]}), 0),
            ("synth", ("brownnoise", ["lowpass", "150"]), -6),
            ("synth", ("pinknoise", ["lowpass", "4000"]), -14),
        ],
    },
}


def talker_track(audio, rng, bank, seconds):
    n = int(seconds * RATE)
    track = [0.0] * n
    lines = {"zh": BABBLE_ZH, "en": BABBLE_EN, "tv": TV_LINES}
    if bank == "mixed":
        bank = "en" if rng.random() < 0.25 else "zh"
    base = "en-us" if bank == "en" else "cmn"
    variant = rng.choice(EN_VARIANTS if bank == "en" else ZH_VARIANTS)
    rate, pitch = rng.randrange(150, 200, 10), rng.randrange(30, 80, 10)
    at = int(rng.uniform(0.0, 1.5) * RATE)
    while at < n:
        if bank == "tv":  # a drama: two actors take turns
            variant = rng.choice(ZH_VARIANTS)
        s = audio.speak(rng.choice(lines[bank]), f"{base}+{variant}", rate, pitch)
        add_into(track, s, at)
        at += len(s) + int(rng.uniform(0.2, 1.2) * RATE)
    return track


def decaying_tone(freqs, seconds, tau, amp=1.0, harmonics=(1,)):
    n = int(seconds * RATE)
    out = [0.0] * n
    for f in freqs:
        for h in harmonics:
            w = 2 * math.pi * f * h / RATE
            a = amp / h
            for i in range(n):
                out[i] += a * math.sin(w * i) * math.exp(-i / (tau * RATE))
    return out


def events_track(audio, rng, kind, seconds, effects):
    n = int(seconds * RATE)
    track = [0.0] * n
    t = rng.uniform(0.0, 1.0)
    while t < seconds:
        at = int(t * RATE)
        if kind == "keyboard":  # bursts of typing, then a pause
            for _ in range(rng.randrange(5, 25)):
                click = [rng.uniform(-1, 1) * math.exp(-i / 24.0) for i in range(160)]
                add_into(track, click, at, rng.uniform(0.5, 1.0))
                at += int(rng.uniform(0.08, 0.22) * RATE)
            t = at / RATE + rng.uniform(0.5, 3.0)
        elif kind == "dishes":
            freqs = [rng.uniform(2000, 6000) for _ in range(3)]
            add_into(track, decaying_tone(freqs, 0.25, rng.uniform(0.04, 0.12)), at, rng.uniform(0.3, 1.0))
            t += rng.uniform(0.4, 2.5)
        elif kind == "horn":
            f = rng.choice([330, 400, 440])
            dur = rng.uniform(0.3, 0.8)
            tone = decaying_tone([f, f * 1.25], dur, 5.0, 1.0, harmonics=(1, 3, 5))
            ramp = int(0.02 * RATE)
            for i in range(min(ramp, len(tone))):
                tone[i] *= i / ramp
                tone[-1 - i] *= i / ramp
            add_into(track, tone, at)
            t += rng.uniform(4.0, 9.0)
        else:
            raise Fail(f"unknown event kind {kind}")
    return audio.sox_fx(scaled(track, 0.5 / max(peak(track), 1e-9)), effects)


def music_track(audio, rng, seconds, effects):
    n = int(seconds * RATE)
    track = [0.0] * n
    scale = [261.6, 293.7, 329.6, 392.0, 440.0, 523.3, 587.3, 659.3]
    t = 0.0
    while t < seconds:
        dur = rng.choice([0.25, 0.5, 0.5, 0.75])
        note = decaying_tone([rng.choice(scale)], dur + 0.3, 0.25, 1.0, harmonics=(1, 2, 3))
        add_into(track, note, int(t * RATE), 0.6)
        if rng.random() < 0.3:
            add_into(track, decaying_tone([rng.choice(scale) / 2], dur + 0.3, 0.4), int(t * RATE), 0.4)
        t += dur
    return audio.sox_fx(scaled(track, 0.5 / max(peak(track), 1e-9)), effects)


def pa_track(audio, rng, seconds, effects):
    n = int(seconds * RATE)
    track = [0.0] * n
    t = rng.uniform(0.5, 3.0)
    while t < seconds:
        at = int(t * RATE)
        chime = decaying_tone([659.3], 0.6, 0.3) + decaying_tone([523.3], 0.8, 0.4)
        add_into(track, chime, at, 0.3)
        line = rng.choice(PA_LINES)
        voice = "en-us+f3" if line.isascii() else "cmn+f2"
        s = audio.speak(line, voice, 160, 50)
        add_into(track, s, at + len(chime))
        t += (len(chime) + len(s)) / RATE + rng.uniform(2.0, 6.0)
    return audio.sox_fx(scaled(track, 0.5 / max(peak(track), 1e-9)), effects)


def make_bed(tools, tmp, scene_no, name):
    audio = Audio(tools, tmp)
    n = int(BED_S * RATE)
    bed = [0.0] * n
    for layer_no, (kind, params, gain_db) in enumerate(SCENES[name]["layers"]):
        rng = random.Random(seed_of("bed", name, str(layer_no)))
        if kind == "synth":
            noise, fx = params
            layer = audio.synth(noise, BED_S, 1 + scene_no * 8 + layer_no, fx)
        elif kind == "talkers":
            layer = [0.0] * n
            for _ in range(params["n"]):
                add_into(layer, talker_track(audio, rng, params["bank"], BED_S))
            layer = audio.sox_fx(scaled(layer, 0.5 / max(peak(layer), 1e-9)), params["fx"])
        elif kind == "events":
            ev, fx = params
            layer = events_track(audio, rng, ev, BED_S, fx)
        elif kind == "music":
            layer = music_track(audio, rng, BED_S, params["fx"])
        elif kind == "pa":
            layer = pa_track(audio, rng, BED_S, params["fx"])
        else:
            raise Fail(f"unknown layer type {kind}")
        r = rms(layer)
        if r <= 0:
            raise Fail(f"scene {name}: layer {layer_no} is silent")
        add_into(bed, layer, 0, 10 ** (gain_db / 20) / r)
    return scaled(bed, 1.0 / rms(bed))


# ---------------------------------------------------------------------------------------------
# WAV


def riff_chunk(cid, body):
    return cid + struct.pack("<I", len(body)) + body + (b"\0" if len(body) % 2 else b"")


def wav_bytes(pcm16, meta):
    fmt = struct.pack("<HHIIHH", 1, 1, RATE, RATE * 2, 2, 16)
    info = b"INFO" + riff_chunk(b"ICMT", meta_json(meta).encode("ascii") + b"\0")
    body = b"WAVE" + riff_chunk(b"fmt ", fmt) + riff_chunk(b"LIST", info) + riff_chunk(b"data", pcm16)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def render_speech(e, tools, tmp, beds):
    audio = Audio(tools, tmp)
    voice = e["voice"]
    rate = e.get("rate", 200 if e["lang"] == "zh" else 165)
    pitch = e.get("pitch", 50)
    fx = ["lowpass", "6000", "reverb", "45", "50", "70", "100", "15"] if e.get("far_field") else []
    speech = audio.speak(e["text"], voice, rate, pitch, fx)
    lead, tail = int(LEAD_S * RATE), int(TAIL_S * RATE)
    speech = [0.0] * lead + speech + [0.0] * tail
    n = len(speech)
    level = active_level(speech)
    target = 10 ** (SPEECH_LEVEL_DBFS / 20)
    speech = scaled(speech, target / level)
    bed = beds[e["scene"]]
    start = random.Random(seed_of("window", e["id"])).randrange(0, len(bed) - n)
    noise = bed[start:start + n]
    noise = scaled(noise, target / 10 ** (e["snr_db"] / 20) / rms(noise))
    mix = [s + v for s, v in zip(speech, noise, strict=True)]
    p = peak(mix)
    if p > 0.95:  # keep the SNR, lower everything
        mix = scaled(mix, 0.95 / p)
    pcm = array("h", (max(-32768, min(32767, int(math.floor(v * 32767 + 0.5)))) for v in mix))
    if sys.byteorder != "little":
        pcm.byteswap()
    return wav_bytes(pcm.tobytes(), meta_of(e)), {"duration_s": round(n / RATE, 3)}


# ---------------------------------------------------------------------------------------------
# PNG


def png_chunk(ctype, body):
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body) & 0xFFFFFFFF)


def png_bytes(rgb, w, h, meta):
    stride = w * 3
    rows = [rgb[y * stride:(y + 1) * stride] for y in range(h)]
    colours = sorted(set(rgb[i:i + 3] for i in range(0, len(rgb), 3)))
    if len(colours) <= 256:
        index = {c: i for i, c in enumerate(colours)}
        raw = b"".join(b"\0" + bytes(index[r[i:i + 3]] for i in range(0, stride, 3)) for r in rows)
        ihdr = struct.pack(">IIBBBBB", w, h, 8, 3, 0, 0, 0)
        extra = png_chunk(b"PLTE", b"".join(colours))
    else:
        prev = bytes(stride)
        out = []
        for r in rows:  # filter type 2 (Up) on every row
            out.append(b"\2" + bytes((a - b) & 0xFF for a, b in zip(r, prev, strict=True)))
            prev = r
        raw = b"".join(out)
        ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
        extra = b""
    text = png_chunk(b"tEXt", b"ailevel\0" + meta_json(meta).encode("ascii"))
    idat = png_chunk(b"IDAT", zlib.compress(raw, 9))
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + extra + text + idat + png_chunk(b"IEND", b"")


def im_text(text):
    # ImageMagick reads `@file` and percent escapes in text arguments.
    text = text.replace("%", "%%")
    return "\\" + text if text.startswith("@") else text


def text_em(line):
    """Width of a line in ems, a little generous: CJK and full-width forms 1.0, others 0.62."""
    return sum(1.0 if ord(c) >= 0x2E80 else 0.3 if c == " " else 0.62 for c in line)


def caption(tools, text, w, h, x, y, fill, gravity="center", max_pointsize=64):
    """Text in a w×h box at (x, y), one line per `\n`, never wrapped: the point size is the
    largest that fits the longest line and all the lines (ImageMagick `label:`)."""
    lines = text.split("\n")
    widest = max(max(text_em(l) for l in lines), 1.0)
    ps = int(min(max_pointsize, w / widest, h / (1.3 * len(lines))))
    return ["(", "-size", f"{w}x{h}", "-background", "none", "-stroke", "none", "-fill", fill, "-font", tools.font,
            "-pointsize", str(ps), "-gravity", gravity, f"label:{im_text(text)}", ")",
            "-gravity", "northwest", "-geometry", f"+{x}+{y}", "-composite"]


SIGN_STYLES = {
    "blue": ("#1f4e9c", "white"), "green": ("#1b7a3d", "white"), "red": ("#c62828", "white"),
    "yellow": ("#f2c230", "#1a1a1a"), "white": ("#f5f5f0", "#202020"), "brown": ("#6b3e1f", "white"),
}


def outdoor(extra=()):
    return ["-fill", "#bcd4e6", "-draw", f"rectangle 0,0 {IMAGE_W},{IMAGE_H}",
            "-fill", "#8f8f86", "-draw", f"rectangle 0,{IMAGE_H - 60} {IMAGE_W},{IMAGE_H}", *extra]


def draw_sign(tools, e):
    bg, fg = SIGN_STYLES[e.get("style", "blue")]
    args = outdoor(["-fill", "#6e6e6e", "-draw", "rectangle 228,230 252,300"])
    args += ["-fill", bg, "-stroke", "white", "-strokewidth", "6", "-draw", "roundrectangle 40,40 440,235 16,16",
             "-stroke", "none"]
    return args + caption(tools, e["text"], 360, 160, 60, 58, fg)


LABEL_STYLES = {"card": ("#fbfaf5", "#1a1a1a", "#d9c6a5"), "screen": ("#101820", "#f0f0f0", "#2a2a2a"),
                "box": ("#ffffff", "#1a1a1a", "#cfd8dc")}


def draw_label(tools, e):
    style = e.get("style", "card")
    card, ink, surface = LABEL_STYLES[style]
    lines = e["text"].split("\n")
    args = ["-fill", surface, "-draw", f"rectangle 0,0 {IMAGE_W},{IMAGE_H}",
            "-fill", card, "-stroke", "#9e9e9e", "-strokewidth", "2", "-draw", "roundrectangle 24,16 456,304 8,8",
            "-stroke", "none"]
    if style == "box":
        args += ["-fill", "#2e7d32", "-draw", "rectangle 25,17 455,70"]
        args += caption(tools, lines[0], 400, 48, 40, 20, "white")
    else:
        args += caption(tools, lines[0], 400, 52, 40, 26, ink)
    body_w = 250 if e.get("draw") == "qr" else 400
    if len(lines) > 1:
        args += caption(tools, "\n".join(lines[1:]), body_w, 210, 40, 84, ink, "northwest", 30)
    if e.get("draw") == "qr":
        args += qr_like(seed_of("qr", e["id"]), 310, 100, 6)
    return args


def qr_like(seed, x0, y0, cell, n=21):
    """A QR-code-like pattern (finder squares and seeded modules); not a decodable code."""
    rng = random.Random(seed)
    on = [[rng.random() < 0.5 for _ in range(n)] for _ in range(n)]
    for fx, fy in ((0, 0), (n - 7, 0), (0, n - 7)):
        for j in range(7):
            for i in range(7):
                edge = i in (0, 6) or j in (0, 6)
                core = 2 <= i <= 4 and 2 <= j <= 4
                on[fy + j][fx + i] = edge or core
            for k in range(-1, 8):
                for a, b in ((fx + k, fy + 7), (fx + 7, fy + k), (fx + k, fy - 1), (fx - 1, fy + k)):
                    if 0 <= a < n and 0 <= b < n and not (fx <= a < fx + 7 and fy <= b < fy + 7):
                        on[b][a] = False
    rects = " ".join(f"rectangle {x0 + i * cell},{y0 + j * cell} {x0 + i * cell + cell - 1},{y0 + j * cell + cell - 1}"
                     for j in range(n) for i in range(n) if on[j][i])
    return ["-fill", "#000000", "-draw", rects]


def octagon(cx, cy, r):
    pts = [(cx + r * math.cos(math.radians(22.5 + 45 * k)), cy + r * math.sin(math.radians(22.5 + 45 * k)))
           for k in range(8)]
    return "polygon " + " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)


def scene_cup(tools, e):
    return ["-fill", "#e9e2d0", "-draw", f"rectangle 0,0 {IMAGE_W},{IMAGE_H}",
            "-fill", "#8b5a2b", "-draw", "polygon 0,205 480,205 480,320 0,320",
            "-fill", "#6d4520", "-draw", "rectangle 0,205 480,212",
            "-fill", "#f4f4f4", "-stroke", "#bdbdbd", "-strokewidth", "2", "-draw", "ellipse 240,252 95,18 0,360",
            "-fill", "none", "-strokewidth", "9", "-draw", "ellipse 302,185 24,30 -90,90",
            "-fill", "#fafafa", "-strokewidth", "2", "-draw", "polygon 180,140 300,140 286,248 194,248",
            "-fill", "#5b3a1e", "-draw", "ellipse 240,140 60,12 0,360",
            "-fill", "none", "-stroke", "#cfcfcf", "-strokewidth", "3",
            "-draw", "bezier 220,120 210,100 230,85 220,60", "-draw", "bezier 255,120 245,100 265,85 255,60",
            "-stroke", "none"] + ([] if not e["text"] else caption(tools, e["text"], 300, 40, 90, 270, "#222222"))


def scene_stop(tools, e):
    return outdoor(["-fill", "#6e6e6e", "-draw", "rectangle 232,200 248,300",
                    "-fill", "#c62828", "-stroke", "white", "-strokewidth", "7", "-draw", octagon(240, 125, 100),
                    "-stroke", "none"]) + caption(tools, e["text"], 150, 100, 165, 75, "white")


def scene_fruit(tools, e):
    return ["-fill", "#dcd3c4", "-draw", f"rectangle 0,0 {IMAGE_W},{IMAGE_H}",
            "-fill", "#a47148", "-draw", "rectangle 0,190 480,320",
            "-fill", "#fdfdfd", "-stroke", "#c0c0c0", "-strokewidth", "2", "-draw", "ellipse 240,240 170,45 0,360",
            "-stroke", "none", "-fill", "#c62828", "-draw", "circle 180,205 180,160",
            "-fill", "#5d4037", "-draw", "rectangle 178,152 183,168",
            "-fill", "#43a047", "-draw", "ellipse 198,158 14,6 0,360",
            "-fill", "#f3d23a", "-stroke", "#c9a92a", "-strokewidth", "2", "-draw", banana(310, 150, 85, 60, 26),
            "-stroke", "none"]


def banana(cx, cy, rx, ry, thick):
    """A crescent: the lower half of one ellipse back along a thinner one."""
    outer = [(cx + rx * math.cos(math.radians(a)), cy + ry * math.sin(math.radians(a))) for a in range(10, 171, 10)]
    inner = [(cx + (rx - 6) * math.cos(math.radians(a)), cy + (ry - thick) * math.sin(math.radians(a)))
             for a in range(170, 9, -10)]
    return "polygon " + " ".join(f"{x:.1f},{y:.1f}" for x, y in outer + inner)


def scene_speed_limit(tools, e):
    return ["-fill", "#bcd4e6", "-draw", f"rectangle 0,0 {IMAGE_W},{IMAGE_H}",
            "-fill", "#7cb342", "-draw", "rectangle 0,200 480,320",
            "-fill", "#555555", "-draw", "polygon 200,200 280,200 480,320 0,320",
            "-fill", "white", "-draw", "polygon 237,210 243,210 246,240 234,240",
            "-draw", "polygon 232,260 248,260 252,300 228,300",
            "-fill", "#6e6e6e", "-draw", "rectangle 384,150 394,260",
            "-fill", "white", "-stroke", "#c62828", "-strokewidth", "14", "-draw", "circle 389,95 389,30",
            "-stroke", "none"] + caption(tools, e["text"], 90, 70, 344, 60, "#111111")


def scene_bar_chart(tools, e):
    lines = e["text"].split("\n")
    data = [(l.split()[0], float(l.split()[1])) for l in lines[1:]]
    top = max(v for _, v in data)
    args = ["-fill", "white", "-draw", f"rectangle 0,0 {IMAGE_W},{IMAGE_H}",
            "-stroke", "#333333", "-strokewidth", "2", "-draw", "line 60,270 450,270", "-draw", "line 60,60 60,270",
            "-stroke", "none"] + caption(tools, lines[0], 360, 40, 60, 10, "#111111")
    for i, (label, value) in enumerate(data):
        x = 90 + i * 90
        y = 270 - int(190 * value / top)
        args += ["-fill", "#1f77b4", "-draw", f"rectangle {x},{y} {x + 50},269"]
        args += caption(tools, label, 70, 26, x - 10, 276, "#111111")
        args += caption(tools, f"{value:g}", 70, 24, x - 10, y - 26, "#111111")
    return args


DRAWINGS = {
    "cup_on_table": scene_cup,
    "stop_sign": scene_stop,
    "fruit_plate": scene_fruit,
    "speed_limit": scene_speed_limit,
    "bar_chart": scene_bar_chart,
}


def render_image(e, tools):
    if e["layout"] == "sign":
        if e.get("style", "blue") not in SIGN_STYLES:
            raise Fail(f"{e['id']}: unknown sign style")
        args = draw_sign(tools, e)
    elif e["layout"] == "label":
        if e.get("style", "card") not in LABEL_STYLES:
            raise Fail(f"{e['id']}: unknown label style")
        args = draw_label(tools, e)
    else:
        args = DRAWINGS[e["draw"]](tools, e)
    cmd = [tools.magick, "-respect-parentheses", "-size", f"{IMAGE_W}x{IMAGE_H}", "xc:white", *args, "-alpha", "off", "-depth", "8", "rgb:-"]
    rgb = run(cmd)
    if len(rgb) != IMAGE_W * IMAGE_H * 3:
        raise Fail(f"{e['id']}: ImageMagick returned {len(rgb)} bytes, expected {IMAGE_W * IMAGE_H * 3}")
    return png_bytes(rgb, IMAGE_W, IMAGE_H, meta_of(e)), {"width": IMAGE_W, "height": IMAGE_H}


# ---------------------------------------------------------------------------------------------
# Reading the metadata back (for --check), mirroring src/device/sim/media.rs


def read_wav_meta(b):
    if len(b) < 12 or b[:4] != b"RIFF" or b[8:12] != b"WAVE":
        return None
    off = 12
    while off + 8 <= len(b):
        cid, size = b[off:off + 4], struct.unpack("<I", b[off + 4:off + 8])[0]
        body = b[off + 8:off + 8 + size]
        if cid == b"LIST" and body[:4] == b"INFO":
            o = 4
            while o + 8 <= len(body):
                sid, ssize = body[o:o + 4], struct.unpack("<I", body[o + 4:o + 8])[0]
                if sid == b"ICMT":
                    return json.loads(body[o + 8:o + 8 + ssize].rstrip(b"\0").decode("utf-8"))
                o += 8 + ssize + (ssize & 1)
        off += 8 + size + (size & 1)
    return None


def read_png_meta(b):
    if b[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    off = 8
    while off + 12 <= len(b):
        size = struct.unpack(">I", b[off:off + 4])[0]
        ctype, body = b[off + 4:off + 8], b[off + 8:off + 8 + size]
        if ctype == b"tEXt" and body.startswith(b"ailevel\0"):
            return json.loads(body[8:].decode("latin-1"))
        off += 12 + size
    return None


# ---------------------------------------------------------------------------------------------
# Index


def write_index(out_dir, entries, results, versions):
    total = sum(r["bytes"] for r in results.values())
    lines = [
        "# Generated by scripts/make-fixtures.py from manifest.yaml: do not edit. See docs/fixtures.md.",
        "# Paths are relative to suites/; a case names a fixture as",
        "#   audio: { file: fixtures/car/car-ac-22-highway-10db.wav, sha256: … }",
        "version: 1",
        "tools:",
        *(f"  {k}: {yaml_value(v)}" for k, v in versions.items()),
        f"count: {len(entries)}",
        f"total_bytes: {total}",
        "fixtures:",
    ]
    for e in entries:
        r = results[e["id"]]
        lines.append(f"  - id: {e['id']}")
        lines.append(f"    kind: {e['kind']}")
        lines.append(f"    category: {e['category']}")
        lines.append(f"    file: {rel_file(e)}")
        lines.append(f"    sha256: \"{r['sha256']}\"")
        lines.append(f"    bytes: {r['bytes']}")
        for k in ("duration_s", "width", "height"):
            if k in r:
                lines.append(f"    {k}: {yaml_value(r[k])}")
        if e["kind"] == "speech":
            lines.append(f"    voice: {yaml_value(e['voice'])}")
            if "wake" in e:
                lines.append(f"    wake: {yaml_value(e['wake'])}")
            if e.get("far_field"):
                lines.append("    far_field: true")
        lines.append(f"    meta: {yaml_value(meta_of(e))}")
    (out_dir / INDEX).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return total


def check(fix_dir):
    """Recompute the hashes of the committed files against index.yaml; no regeneration."""
    problems = []
    index_path = fix_dir / INDEX
    if not index_path.is_file():
        raise Fail(f"{index_path} is missing: run scripts/make-fixtures.py")
    index = parse_mini_yaml(index_path.read_text(encoding="utf-8"), index_path)
    listed = index.get("fixtures") or []
    manifest_ids = [e["id"] for e in load_manifest(fix_dir / "manifest.yaml")]
    index_ids = [f["id"] for f in listed]
    if manifest_ids != index_ids:
        problems.append("index.yaml does not list the manifest's fixtures in order: regenerate")
    files = set()
    total = 0
    for f in listed:
        path = fix_dir / Path(f["file"]).relative_to("fixtures")
        files.add(path.resolve())
        if not path.is_file():
            problems.append(f"{f['file']}: missing")
            continue
        data = path.read_bytes()
        total += len(data)
        digest = hashlib.sha256(data).hexdigest()
        if digest != f["sha256"] or len(data) != f["bytes"]:
            problems.append(f"{f['file']}: sha256 {digest} ({len(data)} bytes), index says {f['sha256']} ({f['bytes']} bytes)")
            continue
        meta = read_wav_meta(data) if path.suffix == ".wav" else read_png_meta(data)
        if meta != f["meta"]:
            problems.append(f"{f['file']}: embedded metadata {meta} differs from index {f['meta']}")
    for path in fix_dir.glob("*/*"):
        if path.suffix in (".wav", ".png") and path.resolve() not in files:
            problems.append(f"{path.relative_to(fix_dir)}: not in index.yaml")
    if total > MAX_TOTAL_BYTES:
        problems.append(f"fixtures total {total} bytes, more than {MAX_TOTAL_BYTES}")
    for p in problems:
        print(f"error: {p}", file=sys.stderr)
    if problems:
        return 1
    print(f"{len(listed)} fixtures, {total} bytes: every hash matches index.yaml")
    return 0


def generate(out_dir, install, jobs):
    t0 = time.monotonic()
    entries = load_manifest()
    tools = ensure_tools(install)
    versions = tools.versions()
    print("tools: " + "; ".join(f"{k} {v}" for k, v in versions.items()))
    old = {}
    if (out_dir / INDEX).is_file():
        try:
            old = {f["id"]: f["sha256"] for f in parse_mini_yaml((out_dir / INDEX).read_text(encoding="utf-8"), INDEX).get("fixtures", [])}
        except Fail:
            old = {}
    with tempfile.TemporaryDirectory(prefix="ailevel-fixtures-") as tmp:
        scenes = sorted({e["scene"] for e in entries if e["kind"] == "speech"})
        with ThreadPoolExecutor(jobs) as pool:
            beds = dict(zip(scenes, pool.map(lambda s: make_bed(tools, tmp, list(SCENES).index(s), s), scenes), strict=True))
            t_beds = time.monotonic() - t0
            print(f"noise beds: {len(beds)} scenes in {t_beds:.1f} s")

            def one(e):
                if e["kind"] == "speech":
                    return render_speech(e, tools, tmp, beds)
                return render_image(e, tools)

            rendered = list(pool.map(one, entries))
    results = {}
    changed = []
    for cat in CATEGORIES:
        (out_dir / cat).mkdir(parents=True, exist_ok=True)
    keep = set()
    for e, (data, extra) in zip(entries, rendered, strict=True):
        path = out_dir / e["category"] / Path(rel_file(e)).name
        keep.add(path.resolve())
        digest = hashlib.sha256(data).hexdigest()
        if old.get(e["id"]) != digest:
            changed.append(e["id"])
        path.write_bytes(data)
        results[e["id"]] = {"sha256": digest, "bytes": len(data), **extra}
    for path in out_dir.glob("*/*"):
        if path.suffix in (".wav", ".png") and path.resolve() not in keep:
            path.unlink()
            print(f"removed {path.relative_to(out_dir)}")
    for cat in CATEGORIES:
        d = out_dir / cat
        if d.is_dir() and not any(d.iterdir()):
            d.rmdir()
    elapsed = time.monotonic() - t0
    total = write_index(out_dir, entries, results, versions)
    speech = [e for e in entries if e["kind"] == "speech"]
    print(f"{len(entries)} fixtures ({len(speech)} speech, {len(entries) - len(speech)} image), "
          f"{total} bytes ({total / 1048576:.2f} MiB), {len(changed)} new or changed, in {elapsed:.1f} s")
    if total > MAX_TOTAL_BYTES:
        raise Fail(f"fixtures total {total} bytes, over the {MAX_TOTAL_BYTES}-byte budget")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="verify committed files against index.yaml (no regeneration)")
    ap.add_argument("--out", type=Path, help="generate into this directory instead of suites/fixtures")
    ap.add_argument("--no-install", action="store_true", help="never apt-get install missing tools")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="parallel workers (default: CPUs)")
    args = ap.parse_args()
    try:
        out = args.out.resolve() if args.out else FIXTURES
        if args.check:
            return check(out)
        out.mkdir(parents=True, exist_ok=True)
        if out != FIXTURES:
            shutil.copy(MANIFEST, out / "manifest.yaml")
        return generate(out, not args.no_install, max(1, args.jobs))
    except Fail as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
