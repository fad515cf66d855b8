/**
 * restricted `restrictedVolumes`: only ephemeral and API-backed volume sources (configMap, csi,
 * downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret). Replaces the
 * baseline hostPathVolumes check. A volume without a source is defaulted to emptyDir by the API server.
 */
import type { PssCheck } from '../types.js';
import type { PodView } from '../pod.js';
import { joinQuote, pluralize, sortedUnique } from '../format.js';
import { HOST_PATH_VOLUMES_ID } from './host-path-volumes.js';
import type { JsonObject } from '../../resources/types.js';

const ALLOWED_SOURCES = new Set([
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret',
]);

/** Restricted sources in the order upstream tests them (the first one present names the volume's type). */
const RESTRICTED_SOURCES = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd',
  'flexVolume', 'cinder', 'cephfs', 'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk',
  'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'storageos',
];

function isSet(volume: JsonObject, key: string): boolean {
  return volume[key] !== undefined && volume[key] !== null;
}

/** The restricted type of a volume, or undefined when its source is allowed. */
function restrictedType(volume: JsonObject): string | undefined {
  const sources = Object.keys(volume).filter((key) => key !== 'name' && isSet(volume, key));
  if (sources.length === 0 || sources.some((key) => ALLOWED_SOURCES.has(key))) return undefined;
  return RESTRICTED_SOURCES.find((key) => isSet(volume, key)) ?? 'unknown';
}

function restrictedVolumesV1Dot0(pod: PodView) {
  const names: string[] = [];
  const types: string[] = [];
  const fields: string[] = [];
  for (const { volume, path } of pod.volumes()) {
    const type = restrictedType(volume);
    if (type === undefined) continue;
    names.push(typeof volume.name === 'string' ? volume.name : '');
    types.push(type);
    fields.push(type === 'unknown' ? path : `${path}.${type}`);
  }
  if (names.length === 0) return undefined;
  const distinctTypes = sortedUnique(types);
  return {
    reason: 'restricted volume types',
    detail: `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)} ${pluralize('uses', 'use', names.length)} `
      + `${pluralize('restricted volume type', 'restricted volume types', distinctTypes.length)} ${joinQuote(distinctTypes)}`,
    fields,
  };
}

export const restrictedVolumes: PssCheck = {
  id: 'restrictedVolumes',
  level: 'restricted',
  versions: [{ minimumMinor: 0, evaluate: restrictedVolumesV1Dot0, overrides: [HOST_PATH_VOLUMES_ID] }],
};
