/** baseline `hostPathVolumes`: no hostPath volumes (restricted replaces it with `restrictedVolumes`). */
import type { PssCheck } from '../types.js';
import type { PodView } from '../pod.js';
import { joinQuote, pluralize } from '../format.js';
import { isObject } from '../../resources/workloads.js';

export const HOST_PATH_VOLUMES_ID = 'hostPathVolumes';

function hostPathVolumesV1Dot0(pod: PodView) {
  const bad = pod.volumes().filter(({ volume }) => isObject(volume.hostPath));
  if (bad.length === 0) return undefined;
  const names = bad.map(({ volume }) => (typeof volume.name === 'string' ? volume.name : ''));
  return {
    reason: 'hostPath volumes',
    detail: `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)}`,
    fields: bad.map(({ path }) => `${path}.hostPath`),
  };
}

export const hostPathVolumes: PssCheck = {
  id: HOST_PATH_VOLUMES_ID,
  level: 'baseline',
  versions: [{ minimumMinor: 0, evaluate: hostPathVolumesV1Dot0 }],
};
