#!/usr/bin/env bash
# Generates the small Matroska test media in test/fixtures/media/ (design.md: fixtures are made by this
# script, never fetched). Deterministic enough for tests: tests derive expectations (cluster counts, …) by
# scanning the files, so re-running with another ffmpeg version does not break them.
#
#   h264-aac.mkv            ~4 s, 320x240 testsrc + sine AAC, key frame every 1 s (25 fps, -g 25), muxed
#                           live with huge cluster limits so ffmpeg opens a Cluster only at each video key
#                           frame => one Cluster per GOP, like a KVS producer (spec §5.2 "Fragment = Cluster").
#   h264-only.mkv           same, video only.
#   ffmpeg-default-live.mkv ffmpeg's default live Matroska clustering (a Cluster about every second) with a
#                           2 s GOP (-g 50), so every other cluster does NOT start at a key frame.
#   h264-bframes-aac.mkv    like h264-aac.mkv but libx264's default B-frames (b-pyramid, so blocks are in
#                           decode order with reordered presentation times), for the packaging tests.
#   h265-aac.mkv            like h264-aac.mkv with libx265 (skipped when ffmpeg has no libx265).
#   h264-alaw.mkv           H.264 + G.711 A-law audio (A_MS/ACM), for GetClip's G.711 support.
#
# Usage: scripts/make-fixtures.sh   (needs ffmpeg with libx264 and AAC; mkvinfo optional, used for the check)
set -euo pipefail

cd "$(dirname "$0")/.."
out=test/fixtures/media
mkdir -p "$out"

common_in=(-hide_banner -loglevel error -y
  -f lavfi -i "testsrc=size=320x240:rate=25:duration=4")
audio_in=(-f lavfi -i "sine=frequency=440:sample_rate=44100:duration=4")
x264=(-c:v libx264 -preset ultrafast -tune zerolatency -pix_fmt yuv420p -sc_threshold 0 -b:v 200k)
video_enc=("${x264[@]}" -g 25 -keyint_min 25)
audio_enc=(-c:a aac -b:a 32k)
# -fflags +bitexact / -flags:v +bitexact keep ffmpeg's version string and random UIDs out of the files so
# re-running the script produces byte-identical output with the same ffmpeg build.
bitexact=(-fflags +bitexact -flags:v +bitexact -flags:a +bitexact -map_metadata -1)
kf_aligned=(-f matroska -live 1 -cluster_time_limit 100000 -cluster_size_limit 50000000)

ffmpeg "${common_in[@]}" "${audio_in[@]}" "${video_enc[@]}" "${audio_enc[@]}" "${bitexact[@]}" \
  "${kf_aligned[@]}" "$out/h264-aac.mkv"

ffmpeg "${common_in[@]}" "${video_enc[@]}" "${bitexact[@]}" \
  "${kf_aligned[@]}" "$out/h264-only.mkv"

ffmpeg "${common_in[@]}" "${audio_in[@]}" "${x264[@]}" -g 50 -keyint_min 50 "${audio_enc[@]}" "${bitexact[@]}" \
  -f matroska -live 1 "$out/ffmpeg-default-live.mkv"

ffmpeg "${common_in[@]}" "${audio_in[@]}" -c:v libx264 -preset medium -pix_fmt yuv420p -sc_threshold 0 -b:v 200k \
  -g 25 -keyint_min 25 "${audio_enc[@]}" "${bitexact[@]}" "${kf_aligned[@]}" "$out/h264-bframes-aac.mkv"

if grep -q libx265 <<<"$(ffmpeg -hide_banner -encoders 2>/dev/null)"; then
  ffmpeg "${common_in[@]}" "${audio_in[@]}" -c:v libx265 -preset ultrafast -pix_fmt yuv420p -b:v 200k \
    -x265-params "keyint=25:min-keyint=25:scenecut=0:log-level=error" -tag:v hvc1 "${audio_enc[@]}" \
    "${bitexact[@]}" "${kf_aligned[@]}" "$out/h265-aac.mkv"
else
  echo "ffmpeg has no libx265: skipped h265-aac.mkv" >&2
fi

ffmpeg "${common_in[@]}" -f lavfi -i "sine=frequency=440:sample_rate=8000:duration=4" "${video_enc[@]}" \
  -c:a pcm_alaw "${bitexact[@]}" "${kf_aligned[@]}" "$out/h264-alaw.mkv"

# Sanity check (mkvinfo): in the key-frame-aligned files the first video (track 1) block of every cluster
# must be a key frame; in the default-live file at least one cluster must start without one.
if command -v mkvinfo >/dev/null; then
  clusters() { mkvinfo -a "$1" | grep -c '^|+ Cluster'; }
  first_video_blocks() {
    mkvinfo -a "$1" | awk '/^\|\+ Cluster/{f=1; next} f && /track number 1,/{print ($0 ~ /: key,/ ? "key" : "delta"); f=0}'
  }
  for f in h264-aac h264-only h264-bframes-aac h264-alaw $([ -f "$out/h265-aac.mkv" ] && echo h265-aac); do
    blocks=$(first_video_blocks "$out/$f.mkv")
    if grep -q delta <<<"$blocks"; then
      echo "error: $f.mkv has a cluster that does not start at a key frame" >&2
      exit 1
    fi
    echo "$f.mkv: $(clusters "$out/$f.mkv") clusters, all key-frame aligned"
  done
  blocks=$(first_video_blocks "$out/ffmpeg-default-live.mkv")
  if ! grep -q delta <<<"$blocks"; then
    echo "error: ffmpeg-default-live.mkv unexpectedly key-frame aligned" >&2
    exit 1
  fi
  echo "ffmpeg-default-live.mkv: $(clusters "$out/ffmpeg-default-live.mkv") clusters," \
    "$(grep -c delta <<<"$blocks") of them not starting at a key frame"
else
  echo "mkvinfo not installed: skipped the key-frame alignment check" >&2
fi
ls -l "$out"
