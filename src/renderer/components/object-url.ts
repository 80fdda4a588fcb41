// A blob: URL for bytes shown as an image, revoked when the bytes change or the component goes away.
import { computed, onBeforeUnmount, watch, type Ref } from 'vue';

export function useObjectUrl(source: () => { mime: string; bytes: Uint8Array } | null): Readonly<Ref<string | null>> {
  const url = computed(() => {
    const s = source();
    return s === null ? null : URL.createObjectURL(new Blob([s.bytes as Uint8Array<ArrayBuffer>], { type: s.mime }));
  });
  watch(url, (_next, previous) => {
    if (previous) URL.revokeObjectURL(previous);
  });
  onBeforeUnmount(() => {
    if (url.value) URL.revokeObjectURL(url.value);
  });
  return url;
}
