/** The example producer/consumer commands shown on a stream page, with this server's URL. */
export function exampleCommands(origin: string, stream: string): { title: string; text: string }[] {
  const q = (s: string): string => (/^[\w.\-/:]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);
  const name = q(stream);
  return [
    {
      title: 'PutMedia with ffmpeg (live Matroska, one fragment per key-frame group)',
      text:
        `ffmpeg -re -i in.mkv -c copy -f matroska -live 1 \\\n` +
        `  -cluster_time_limit 100000 -cluster_size_limit 50000000 \\\n` +
        `  -method POST -headers $'x-amzn-stream-name: ${stream.replace(/'/g, "\\'")}\\r\\n' ${origin}/putMedia`,
    },
    {
      title: 'PutMedia with the kvideo CLI',
      text: `kvideo put-media --endpoint-url ${origin} --stream-name ${name} --live in.mkv`,
    },
    {
      title: 'GetMedia with the kvideo CLI (follow the live edge into ffplay)',
      text:
        `kvideo get-media --endpoint-url ${origin} --stream-name ${name} \\\n` +
        `  --start-selector StartSelectorType=NOW --follow - | ffplay -`,
    },
    {
      title: 'GetMedia with the AWS CLI',
      text:
        `aws kinesis-video-media get-media --endpoint-url ${origin} --stream-name ${name} \\\n` +
        `  --start-selector StartSelectorType=EARLIEST out.mkv`,
    },
    {
      title: 'HLS session URL with the AWS CLI',
      text:
        `aws kinesis-video-archived-media get-hls-streaming-session-url --endpoint-url ${origin} \\\n` +
        `  --stream-name ${name} --playback-mode LIVE`,
    },
  ];
}
