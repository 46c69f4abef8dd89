#!/usr/bin/env bash
# Generates the end-to-end benchmark's input: N videos of 60 s, 1280×720 H.264 + AAC, each with
# a cover picture, a title, a summary and two products, described by one manifest.
#
#   Scripts/bench/make_e2e_videos.sh [--count N] [--seconds S] [--gop FRAMES] [--out DIR]
#
# DIR (default .build-e2e) receives video-K.mp4, cover-K.png and manifest.jsonl, one input
# record per line ({"id", "video", "cover", "title", "summary", "products": [{"title",
# "category"}]}, paths relative to DIR), the record both `vidtag classify` and
# Scripts/bench/peer_pipeline.py read. Videos are deterministic: ffmpeg's testsrc2 pattern with a
# moving box (so every frame differs and the encoder does real work), a sine chord plus seeded
# noise as the soundtrack, x264 "medium" at CRF 23 with a keyframe every 2 s (typical of
# uploaded clips), AAC 128 kb/s stereo 44.1 kHz. --gop sets the keyframe interval in frames (default 50 = 2 s; 250 is
# x264's own default, 10 s). Existing files are kept (delete DIR to redo).
set -euo pipefail

count=3
seconds=60
out=".build-e2e"
gop=50
while [[ $# -gt 0 ]]; do
    case "$1" in
        --count) count="$2"; shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --gop) gop="$2"; shift 2 ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "make_e2e_videos.sh: unknown argument '$1' (see --help)" >&2; exit 1 ;;
    esac
done
command -v ffmpeg >/dev/null || { echo "make_e2e_videos.sh: ffmpeg not found" >&2; exit 1; }
mkdir -p "$out"

titles=("Autumn knit cardigan try-on haul" "Five-minute garlic noodles for busy nights"
        "Kitten meets the robot vacuum" "Desk makeover on a budget" "Trail running shoes tested in the rain")
summaries=("Three sizes compared, what fits and what to skip."
           "Pantry ingredients only, with a spicy variation at the end."
           "Our four-month-old tabby and her first week with the new vacuum."
           "Cable management, lighting and a monitor arm under 100 dollars."
           "Grip, drainage and comfort after 20 km on muddy trails.")
products=("Wool blend cardigan|Women's knitwear" "Wheat noodles 500 g|Pantry" "Cat teaser wand|Pet toys"
          "LED desk lamp|Home office" "Waterproof running socks|Sportswear" "Chili crisp oil|Condiments"
          "Robot vacuum cleaner|Home appliances" "Monitor arm|Home office" "Trail running shoes|Sportswear"
          "Knitted beanie|Accessories")

json_escape() { python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$1"; }

manifest="$out/manifest.jsonl"
: > "$manifest"
for ((k = 0; k < count; k++)); do
    video="video-$k.mp4"
    cover="cover-$k.png"
    if [[ ! -s "$out/$video" ]]; then
        echo "== $out/$video" >&2
        ffmpeg -hide_banner -loglevel error -y \
            -f lavfi -i "testsrc2=size=1280x720:rate=25:duration=$seconds" \
            -f lavfi -i "color=c=0xE0A030:size=160x160:rate=25:duration=$seconds" \
            -f lavfi -i "sine=frequency=$((220 + 55 * k)):sample_rate=44100:duration=$seconds" \
            -f lavfi -i "sine=frequency=$((330 + 55 * k)):sample_rate=44100:duration=$seconds" \
            -f lavfi -i "anoisesrc=color=pink:amplitude=0.05:seed=$((k + 1)):sample_rate=44100:duration=$seconds" \
            -filter_complex "[0:v][1:v]overlay=x='mod(t*200,1120)':y='280+200*sin(t)'[v];[2:a][3:a][4:a]amix=inputs=3,aformat=channel_layouts=stereo[a]" \
            -map "[v]" -map "[a]" -c:v libx264 -preset medium -crf 23 -g "$gop" -pix_fmt yuv420p \
            -c:a aac -b:a 128k -ar 44100 -movflags +faststart "$out/$video"
    fi
    if [[ ! -s "$out/$cover" ]]; then
        ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=720x960:rate=1:duration=1" \
            -frames:v 1 "$out/$cover"
    fi
    t=$((k % ${#titles[@]}))
    p1="${products[$(((2 * k) % ${#products[@]}))]}"
    p2="${products[$(((2 * k + 1) % ${#products[@]}))]}"
    printf '{"id": "e2e-%d", "video": "%s", "cover": "%s", "title": %s, "summary": %s, "products": [{"title": %s, "category": %s}, {"title": %s, "category": %s}]}\n' \
        "$k" "$video" "$cover" "$(json_escape "${titles[$t]}")" "$(json_escape "${summaries[$t]}")" \
        "$(json_escape "${p1%%|*}")" "$(json_escape "${p1#*|}")" \
        "$(json_escape "${p2%%|*}")" "$(json_escape "${p2#*|}")" >> "$manifest"
done
echo "$manifest: $count records" >&2
