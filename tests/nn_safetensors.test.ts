import { describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.ts';
import { initParams } from '../src/nn/init.ts';
import { buildNetwork, tensorByName, type NetworkConfig } from '../src/nn/params.ts';
import { decodeSafetensors, encodeSafetensors, loadParams, saveParams, SafetensorsError, type NamedTensor } from '../src/nn/safetensors.ts';

const config: NetworkConfig = {
  observationShape: [4],
  torso: { kind: 'mlp', hidden: [8, 8], activation: 'tanh' },
  sharedTorso: false,
  policy: { kind: 'categorical', actions: 2 },
  critic: true,
};
const net = buildNetwork(config);
const ENV = 'classic/cartpole';

/** Initialized parameters with the awkward values a round trip must keep: −0, subnormals, extremes. */
function awkwardParams(): Float32Array {
  const params = initParams(net.layout, 3);
  params.set([-0, 1e-45, -1.17549435e-38, 3.4028234663852886e38, -3.4028234663852886e38], tensorByName(net.layout, 'actor.0.bias').offset);
  return params;
}

/** A file from a header given as text and a data section, for the corruption cases. */
function craft(header: string, data: Uint8Array = new Uint8Array(0), headerLength?: bigint): Uint8Array {
  const json = new TextEncoder().encode(header);
  const file = new Uint8Array(8 + json.length + data.length);
  new DataView(file.buffer).setBigUint64(0, headerLength ?? BigInt(json.length), true);
  file.set(json, 8);
  file.set(data, 8 + json.length);
  return file;
}

const entry = (offsets: [number, number], shape: number[] = [(offsets[1] - offsets[0]) / 4], dtype = 'F32') => ({ dtype, shape, data_offsets: offsets });

/** Expects decoding to fail with a one-line SafetensorsError (an InputError) matching `message`. */
function expectRejected(read: () => unknown, message: RegExp): void {
  let error: unknown;
  try {
    read();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(SafetensorsError);
  expect(error).toBeInstanceOf(InputError);
  const text = (error as Error).message;
  expect(text).toMatch(message);
  expect(text).not.toContain('\n');
}

const rejectFile = (bytes: Uint8Array, message: RegExp) => expectRejected(() => decodeSafetensors(bytes, 'model.safetensors'), message);

describe('safetensors parameter files', () => {
  it('round-trips parameters bit for bit, with the env id and the network config', () => {
    const params = awkwardParams();
    const file = saveParams(net, params, ENV, { step: '1200' });
    const loaded = loadParams(file, { envId: ENV, network: net });
    expect(new Uint32Array(loaded.params.buffer)).toEqual(new Uint32Array(params.buffer));
    expect(loaded.envId).toBe(ENV);
    expect(loaded.metadata.step).toBe('1200');
    expect(loaded.network.config).toEqual(config);
    // Without an expected network, the file's own config describes it.
    const fromFile = loadParams(file, { envId: ENV });
    expect(fromFile.network.layout).toEqual(net.layout);
    expect(new Uint32Array(fromFile.params.buffer)).toEqual(new Uint32Array(params.buffer));
  });

  it('writes the format: LE header length, padded JSON header, the flat buffer as the data section', () => {
    const params = awkwardParams();
    const file = saveParams(net, params, ENV);
    const headerLength = Number(new DataView(file.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + headerLength)));
    expect(header.__metadata__).toEqual({ env_id: ENV, network: JSON.stringify(config) });
    expect(header['actor.0.weight']).toEqual({ dtype: 'F32', shape: [8, 4], data_offsets: [0, 128] });
    const critic = tensorByName(net.layout, 'critic.4.bias');
    expect(header['critic.4.bias'].data_offsets).toEqual([critic.offset * 4, (critic.offset + 1) * 4]);
    expect(file.subarray(8 + headerLength)).toEqual(new Uint8Array(params.buffer));
  });

  it('keeps NaN payloads and re-encodes to identical bytes', () => {
    const data = new Float32Array(3);
    new Uint32Array(data.buffer).set([0x7fc00001, 0xffbad000, 0x00000001]);
    const file = encodeSafetensors([{ name: 'x', shape: [3], data }], { note: 'nan' });
    const decoded = decodeSafetensors(file);
    expect(new Uint32Array(decoded.tensors[0].data.buffer)).toEqual(new Uint32Array([0x7fc00001, 0xffbad000, 0x00000001]));
    expect(encodeSafetensors(decoded.tensors, decoded.metadata)).toEqual(file);
  });

  it('loads tensors by name whatever their order in the file (as PyTorch writes them)', () => {
    const params = awkwardParams();
    const tensors: NamedTensor[] = net.layout.tensors.map((spec) => ({ name: spec.name, shape: spec.shape, data: params.slice(spec.offset, spec.offset + spec.size) }));
    const file = encodeSafetensors([...tensors].reverse(), { env_id: ENV, network: JSON.stringify(config) });
    expect(new Uint32Array(loadParams(file, { envId: ENV, network: net }).params.buffer)).toEqual(new Uint32Array(params.buffer));
  });

  it('rejects a corrupt file with a one-line message', () => {
    const eight = new Uint8Array(8);
    rejectFile(new Uint8Array(5), /^model\.safetensors: 5 bytes is too short for a safetensors file/);
    rejectFile(craft('{}', eight, 1000n), /header length 1000 is more than the 10 bytes after it/);
    rejectFile(craft('{}', eight, 1n << 63n), /header length 9223372036854775808 is more than/);
    rejectFile(craft('{"x": {"dtype": "F32", ', eight), /header is not valid UTF-8 JSON \(/);
    rejectFile(craft('', eight), /header is not valid UTF-8 JSON/);
    const badUtf8 = craft('{"\u00e9": 1}');
    badUtf8[10] = 0xff;
    rejectFile(badUtf8, /header is not valid UTF-8 JSON/);
    rejectFile(craft('[1, 2]'), /header is not a JSON object/);
    rejectFile(craft(JSON.stringify({ __metadata__: { a: 1 } })), /__metadata__ value of "a" is not a string/);
    rejectFile(craft(JSON.stringify({ __metadata__: ['a'] })), /__metadata__ is not a JSON object/);
    rejectFile(craft(JSON.stringify({ x: 5 })), /tensor "x": entry is not a JSON object/);
    rejectFile(craft(JSON.stringify({ x: entry([0, 8], [2], 'Q4') }), eight), /tensor "x": unknown dtype "Q4"/);
    rejectFile(craft(JSON.stringify({ x: entry([0, 8], [4], 'F16') }), eight), /tensor "x": dtype F16 is not supported \(only F32\)/);
    rejectFile(craft(JSON.stringify({ x: entry([0, 8], [-2]) }), eight), /tensor "x": shape must be a list of non-negative integers/);
    rejectFile(craft(JSON.stringify({ x: entry([8, 0], [0]) }), eight), /tensor "x": data_offsets must be \[begin, end\] with 0 ≤ begin ≤ end/);
    rejectFile(craft(JSON.stringify({ x: entry([0, 8], [3]) }), eight), /tensor "x": data_offsets \[0, 8\] span 8 bytes, but F32 shape \[3\] needs 12/);
    rejectFile(craft(JSON.stringify({ x: { ...entry([0, 8]), extra: 1 } }), eight), /tensor "x": unknown field "extra"/);
    rejectFile(craft(JSON.stringify({ x: { dtype: 'F32', shape: [2] } }), eight), /tensor "x": no data_offsets/);
    rejectFile(craft(JSON.stringify({ x: entry([0, 16]) }), eight), /tensor "x": data_offsets \[0, 16\] are past the end of the 8-byte data section/);
    rejectFile(craft(JSON.stringify({ x: entry([0, 8]), y: entry([4, 8]) }), eight), /tensors "x" and "y" overlap \(bytes \[0, 8\) and \[4, 8\)\)/);
    rejectFile(craft(JSON.stringify({ x: entry([4, 8]) }), eight), /bytes \[0, 4\) of the data section belong to no tensor/);
    rejectFile(craft(JSON.stringify({ x: entry([0, 4]) }), eight), /bytes \[4, 8\) of the data section belong to no tensor/);
    // A name with a line break cannot break the one-line message.
    rejectFile(craft(JSON.stringify({ 'a\nb': entry([0, 16]) }), eight), /tensor "a\\nb": data_offsets/);
  });

  it('rejects a file that does not match the expected env or layout', () => {
    const params = initParams(net.layout, 1);
    const file = saveParams(net, params, ENV);
    const reject = (bytes: Uint8Array, expected: Parameters<typeof loadParams>[1], message: RegExp) =>
      expectRejected(() => loadParams(bytes, expected, 'agent.safetensors'), message);

    reject(file, { envId: 'classic/acrobot', network: net }, /^agent\.safetensors: parameters are for env "classic\/cartpole", expected "classic\/acrobot"$/);

    const tensors = (filter: (name: string) => boolean): NamedTensor[] =>
      net.layout.tensors
        .filter((spec) => filter(spec.name))
        .map((spec) => ({ name: spec.name, shape: spec.shape, data: params.slice(spec.offset, spec.offset + spec.size) }));
    const metadata = { env_id: ENV, network: JSON.stringify(config) };
    reject(encodeSafetensors(tensors((name) => name !== 'critic.4.bias'), metadata), { envId: ENV, network: net }, /missing tensor "critic\.4\.bias"/);
    const extra = [...tensors(() => true), { name: 'critic.6.weight', shape: [1], data: new Float32Array(1) }];
    reject(encodeSafetensors(extra, metadata), { envId: ENV, network: net }, /unexpected tensor "critic\.6\.weight" \(not in the network's layout\)/);

    const wider = buildNetwork({ ...config, torso: { kind: 'mlp', hidden: [16, 8], activation: 'tanh' } });
    reject(file, { envId: ENV, network: wider }, /tensor "actor\.0\.weight" has shape \[8, 4\], expected \[16, 4\]/);
    const relu = buildNetwork({ ...config, torso: { kind: 'mlp', hidden: [8, 8], activation: 'relu' } });
    reject(file, { envId: ENV, network: relu }, /network config differs from the expected one at torso\.activation: file has "tanh", expected "relu"/);

    reject(encodeSafetensors(tensors(() => true), { network: metadata.network }), { envId: ENV }, /no "env_id" in __metadata__/);
    reject(encodeSafetensors(tensors(() => true), { env_id: ENV }), { envId: ENV }, /no "network" in __metadata__/);
    reject(encodeSafetensors(tensors(() => true), { env_id: ENV, network: '{oops' }), { envId: ENV }, /__metadata__ "network" is not a valid network config \(/);
    reject(
      encodeSafetensors(tensors(() => true), { env_id: ENV, network: JSON.stringify({ ...config, critic: 'yes' }) }),
      { envId: ENV },
      /__metadata__ "network" is not a valid network config \(network config: field 'critic'/,
    );

    const withNaN = params.slice();
    withNaN[tensorByName(net.layout, 'critic.2.weight').offset + 3] = Number.NaN;
    reject(saveParams(net, withNaN, ENV), { envId: ENV, network: net }, /tensor "critic\.2\.weight" holds NaN at index 3/);
    // A corrupt file fails as such before any layout check.
    reject(file.subarray(0, file.length - 4), { envId: ENV, network: net }, /data section belong to no tensor|past the end/);
  });
});
