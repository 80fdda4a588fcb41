// MessageList's windowing: which rows are in the DOM (near the viewport plus overscan), the spacers around them
// sized from measured heights (estimates until measured), and the scroll position, which follows the newest message
// or keeps the row in view put when rows above it appear or change height.
import { computed, nextTick, onBeforeUnmount, onMounted, onUpdated, ref, shallowRef, watch, type Directive } from 'vue';
import type { MessageView } from '../../shared/core-api.js';
import { dayKey } from '../format/time.js';
import { bottomScrollTop, captureAnchor, isAtBottom, restoreAnchor, RowHeights, scrollTopFor, visibleRows, type Anchor } from '../virtual/windowing.js';
import { createRowLayouts, type RowLayout } from '../virtual/row-layout.js';

export interface MessageWindowProps {
  readonly messages: readonly MessageView[];
  readonly hasOlder: boolean;
  readonly loadingOlder: boolean;
  readonly focusId: string | null;
}

export interface MessageWindowEmit {
  (event: 'loadOlder'): void;
  (event: 'bottom', atBottom: boolean): void;
  (event: 'focused'): void;
}

const OVERSCAN_PX = 600;
const MESSAGE_ESTIMATE = 52;
const DAY_ESTIMATE = 44;
const GROUP_GAP_MS = 5 * 60 * 1000;

/** Call from MessageList's setup: it registers the lifecycle hooks and watchers the windowing needs. */
export function useMessageWindow(props: MessageWindowProps, emit: MessageWindowEmit) {
  const scroller = ref<HTMLElement | null>(null);
  const scrollTop = ref(0);
  const viewport = ref(0);
  /** Following the newest message: new rows and height changes keep the view at the bottom. */
  const stick = ref(true);
  const highlighted = ref<string | null>(null);
  // Measured heights by message id and layout flags, since a day separator or a name line changes the height.
  const measured = new Map<string, number>();
  const measuredTotal = { sum: 0, count: 0 };
  // Bumped when a measurement changes the row heights in place.
  const revision = ref(0);
  let anchor: Anchor | null = null;

  type Layout = RowLayout;
  const layouts = createRowLayouts({ groupGapMs: GROUP_GAP_MS, dayKey });
  const layoutOf = (i: number): Layout => layouts.layoutOf(props.messages, i, props.hasOlder);

  const keyOf = (i: number) => layoutOf(i).key;

  // Rebuilt when the messages change (O(n)); measurements then update it in place (O(log n) each).
  const heights = computed(() => {
    const estimate = measuredTotal.count > 0 ? measuredTotal.sum / measuredTotal.count : MESSAGE_ESTIMATE;
    return new RowHeights(props.messages.length, (i) => {
      const l = layoutOf(i);
      return measured.get(l.key) ?? estimate + (l.day ? DAY_ESTIMATE : 0);
    });
  });
  const range = computed(() => {
    void revision.value;
    const top = stick.value ? bottomScrollTop(heights.value, viewport.value) : scrollTop.value;
    return visibleRows(heights.value, top, viewport.value || 800, OVERSCAN_PX);
  });
  const rows = computed(() => {
    const out: { message: MessageView; index: number; layout: Layout }[] = [];
    for (let i = range.value.start; i < range.value.end; i++) out.push({ message: props.messages[i]!, index: i, layout: layoutOf(i) });
    return out;
  });
  const padTop = computed(() => {
    void revision.value;
    return heights.value.offset(range.value.start);
  });
  const padBottom = computed(() => {
    void revision.value;
    return Math.max(0, heights.value.total - heights.value.offset(range.value.end));
  });

  function measure(): void {
    const el = scroller.value;
    if (el === null) return;
    let changed = false;
    for (const row of el.querySelectorAll<HTMLElement>('[data-index]')) {
      const index = Number(row.dataset['index']);
      if (index >= props.messages.length) continue;
      const key = keyOf(index);
      const h = row.offsetHeight;
      const old = measured.get(key);
      if (old !== h) {
        measuredTotal.sum += h - (old ?? 0);
        if (old === undefined) measuredTotal.count++;
        measured.set(key, h);
      }
      if (heights.value.set(index, h)) changed = true;
    }
    if (changed) revision.value++;
  }

  /** After any change of rows or heights: follow the bottom, or keep the anchor row where it was. */
  function settle(): void {
    const el = scroller.value;
    if (el === null) return;
    let target: number | null = null;
    if (stick.value) target = el.scrollHeight - el.clientHeight;
    else if (anchor !== null) target = restoreAnchor(heights.value, anchor, (key) => indexOfKey(key));
    if (target !== null && Math.abs(el.scrollTop - target) > 0.5) el.scrollTop = target;
    scrollTop.value = el.scrollTop;
  }

  function indexOfKey(key: string): number {
    const id = key.slice(0, key.indexOf('|'));
    // The anchor is near the viewport, so search around the visible range first.
    for (let i = range.value.start; i < range.value.end; i++) if (props.messages[i]?.id === id) return i;
    return props.messages.findIndex((m) => m.id === id);
  }

  function onScroll(): void {
    const el = scroller.value;
    if (el === null) return;
    scrollTop.value = el.scrollTop;
    const bottom = isAtBottom(el.scrollTop, el.clientHeight, el.scrollHeight);
    if (bottom !== stick.value) {
      stick.value = bottom;
      emit('bottom', bottom);
    }
    anchor = captureAnchor(heights.value, el.scrollTop, keyOf);
    if (el.scrollTop < el.clientHeight && props.hasOlder && !props.loadingOlder) emit('loadOlder');
  }

  function jumpToLatest(): void {
    stick.value = true;
    settle();
    emit('bottom', true);
  }

  // A search hit: scroll it a third of the way down and flash it.
  watch(
    () => [props.focusId, props.messages] as const,
    async ([id]) => {
      if (id === null) return;
      const index = props.messages.findIndex((m) => m.id === id);
      if (index < 0) return;
      stick.value = false;
      highlighted.value = id;
      await nextTick();
      const el = scroller.value;
      if (el === null) return;
      el.scrollTop = scrollTopFor(heights.value, index, el.clientHeight);
      anchor = captureAnchor(heights.value, el.scrollTop, keyOf);
      scrollTop.value = el.scrollTop;
      emit('focused');
    },
  );

  // Rows already scrolled away from need no measuring; everything else settles after each DOM update.
  onUpdated(() => {
    measure();
    settle();
  });

  const resize = new ResizeObserver(() => {
    if (scroller.value !== null) viewport.value = scroller.value.clientHeight;
    measure();
    settle();
  });
  const vObserve: Directive<HTMLElement> = {
    mounted: (el) => resize.observe(el),
    beforeUnmount: (el) => resize.unobserve(el),
  };

  onMounted(() => {
    const el = scroller.value!;
    viewport.value = el.clientHeight;
    resize.observe(el);
    void nextTick(() => {
      measure();
      settle();
      emit('bottom', stick.value);
    });
  });
  onBeforeUnmount(() => resize.disconnect());

  // A new message that is mine always brings the view down to it, as in every messenger.
  const lastId = shallowRef(props.messages.at(-1)?.id);
  watch(
    () => props.messages.at(-1),
    (last) => {
      if (last === undefined || last.id === lastId.value) return;
      lastId.value = last.id;
      if (last.mine) stick.value = true;
      if (stick.value) emit('bottom', true);
    },
  );

  return { scroller, stick, highlighted, rows, padTop, padBottom, onScroll, jumpToLatest, vObserve };
}
