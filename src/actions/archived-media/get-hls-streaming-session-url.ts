/** GetHLSStreamingSessionURL (spec §7.4): a session URL on this server's data endpoint. */
import type { archived } from '../../api/index.js';
import type { ActionServices } from '../context.js';

export async function getHLSStreamingSessionURL(
  input: archived.GetHLSStreamingSessionURLInput,
  { streams, playback, dataEndpoint }: ActionServices,
): Promise<archived.GetHLSStreamingSessionURLOutput> {
  const stream = streams.resolve(input);
  const url = playback.createSessionUrl(
    {
      kind: 'HLS',
      ...(input.PlaybackMode ? { PlaybackMode: input.PlaybackMode } : {}),
      ...(input.HLSFragmentSelector ? { FragmentSelector: input.HLSFragmentSelector } : {}),
      ...(input.ContainerFormat ? { ContainerFormat: input.ContainerFormat } : {}),
      ...(input.DiscontinuityMode ? { DiscontinuityMode: input.DiscontinuityMode } : {}),
      ...(input.DisplayFragmentTimestamp ? { DisplayFragmentTimestamp: input.DisplayFragmentTimestamp } : {}),
      ...(input.Expires !== undefined ? { Expires: input.Expires } : {}),
      ...(input.MaxMediaPlaylistFragmentResults !== undefined
        ? { MaxResults: input.MaxMediaPlaylistFragmentResults }
        : {}),
    },
    stream,
    dataEndpoint(),
  );
  return { HLSStreamingSessionURL: url };
}
