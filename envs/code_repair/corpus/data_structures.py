"""Data-structure manipulation: stacks, queues, heaps, intervals, matrices, dicts and linked lists."""

from __future__ import annotations

from . import Program, registrar

CATEGORY = "data_structures"
PROGRAMS: list[Program] = []
program = registrar(CATEGORY, PROGRAMS)


def _ints(rng, lo=-20, hi=20, max_len=12, min_len=0):
    return [rng.randint(lo, hi) for _ in range(rng.randint(min_len, max_len))]


def _matrix(rng, rows, cols, lo=-9, hi=9):
    return [[rng.randint(lo, hi) for _ in range(cols)] for _ in range(rows)]


@program(
    "bracket_mismatch_index",
    """Check the brackets ()[]{} in s (other characters are ignored) with a stack. Return the index of
    the first closing bracket that does not match the most recent open one (or has none open), len(s)
    if some bracket is left open at the end, and -1 if s is balanced.""",
    """
    def bracket_mismatch_index(s):
        pairs = {")": "(", "]": "[", "}": "{"}
        stack = []
        for i in range(len(s)):
            ch = s[i]
            if ch == "(" or ch == "[" or ch == "{":
                stack.append(ch)
            elif ch in pairs:
                if not stack or stack[-1] != pairs[ch]:
                    return i
                stack.pop()
        if stack:
            return len(s)
        return -1
    """,
)
def _gen_bracket_mismatch_index(rng):
    if rng.random() < 0.3:
        s = ""
        for _ in range(rng.randint(0, 4)):
            o, c = rng.choice(("()", "[]", "{}"))
            s = rng.choice((o + s + c, s + o + c))
        return (s,)
    return ("".join(rng.choice("()[]{}a") for _ in range(rng.randint(0, 10))),)


@program(
    "eval_rpn",
    """Evaluate a reverse-Polish expression given as a list of tokens: integer literals (possibly
    negative, e.g. "-3") and the operators "+", "-", "*", "/". Division truncates toward zero; the
    divisor is never 0. Return the integer result.""",
    """
    def eval_rpn(tokens):
        stack = []
        for token in tokens:
            if token in ("+", "-", "*", "/"):
                b = stack.pop()
                a = stack.pop()
                if token == "+":
                    stack.append(a + b)
                elif token == "-":
                    stack.append(a - b)
                elif token == "*":
                    stack.append(a * b)
                else:
                    quotient = abs(a) // abs(b)
                    if (a < 0) != (b < 0):
                        quotient = -quotient
                    stack.append(quotient)
            else:
                stack.append(int(token))
        return stack[-1]
    """,
)
def _gen_eval_rpn(rng):
    stack = []  # (tokens, value)
    for _ in range(rng.randint(1, 5)):
        v = rng.randint(-9, 9)
        stack.append(([str(v)], v))
        while len(stack) >= 2 and rng.random() < 0.6:
            tb, b = stack.pop()
            ta, a = stack.pop()
            op = rng.choice("+-*/" if b != 0 else "+-*")
            q = abs(a) // abs(b) if op == "/" else 0
            value = {"+": a + b, "-": a - b, "*": a * b, "/": q if (a < 0) == (b < 0) else -q}[op]
            stack.append((ta + tb + [op], value))
    while len(stack) >= 2:
        tb, b = stack.pop()
        ta, a = stack.pop()
        stack.append((ta + tb + ["+"], a + b))
    return (stack[0][0],)


@program(
    "next_greater_elements",
    """For each position i of nums, return the first value to the right of i that is strictly greater
    than nums[i], or -1 if there is none, using a monotonic stack of indices.""",
    """
    def next_greater_elements(nums):
        result = [-1] * len(nums)
        stack = []
        for i in range(len(nums)):
            while stack and nums[stack[-1]] < nums[i]:
                j = stack.pop()
                result[j] = nums[i]
            stack.append(i)
        return result
    """,
)
def _gen_next_greater_elements(rng):
    return (_ints(rng, 0, 9),)


@program(
    "stock_span",
    """For each day i, return the span of prices[i]: the number of consecutive days ending at day i
    (day i included) whose price is <= prices[i]. Use a stack of indices.""",
    """
    def stock_span(prices):
        spans = []
        stack = []
        for i in range(len(prices)):
            while stack and prices[stack[-1]] <= prices[i]:
                stack.pop()
            if stack:
                spans.append(i - stack[-1])
            else:
                spans.append(i + 1)
            stack.append(i)
        return spans
    """,
)
def _gen_stock_span(rng):
    return (_ints(rng, 1, 9),)


@program(
    "merge_intervals",
    """Merge overlapping closed intervals given as [start, end] pairs (start <= end, in any order);
    intervals that touch (one ends where the next starts) also merge. Return the merged intervals as a
    list of [start, end] lists sorted by start.""",
    """
    def merge_intervals(intervals):
        ordered = sorted(intervals, key=lambda iv: iv[0])
        merged = []
        for start, end in ordered:
            if merged and start <= merged[-1][1]:
                if end > merged[-1][1]:
                    merged[-1][1] = end
            else:
                merged.append([start, end])
        return merged
    """,
)
def _gen_merge_intervals(rng):
    intervals = []
    for _ in range(rng.randint(0, 7)):
        s = rng.randint(0, 20)
        intervals.append([s, s + rng.randint(0, 5)])
    return (intervals,)


@program(
    "insert_interval",
    """Insert the interval new = [start, end] into a list of disjoint [start, end] intervals sorted by
    start, merging every interval that overlaps or touches it. Return the new sorted list of
    intervals (lists); the input is not modified.""",
    """
    def insert_interval(intervals, new):
        result = []
        start, end = new[0], new[1]
        i = 0
        n = len(intervals)
        while i < n and intervals[i][1] < start:
            result.append(list(intervals[i]))
            i += 1
        while i < n and intervals[i][0] <= end:
            start = min(start, intervals[i][0])
            end = max(end, intervals[i][1])
            i += 1
        result.append([start, end])
        while i < n:
            result.append(list(intervals[i]))
            i += 1
        return result
    """,
)
def _gen_insert_interval(rng):
    intervals, pos = [], rng.randint(0, 3)
    for _ in range(rng.randint(0, 5)):
        s = pos + rng.randint(1, 3)
        e = s + rng.randint(0, 3)
        intervals.append([s, e])
        pos = e
    a = rng.randint(0, pos + 2)
    return (intervals, [a, a + rng.randint(0, 6)])


@program(
    "merge_k_sorted",
    """Merge several ascending lists of integers into one ascending list with a min-heap (heapq) of
    (value, list index, position) entries. Empty inner lists are allowed.""",
    """
    import heapq

    def merge_k_sorted(lists):
        heap = []
        for i in range(len(lists)):
            if lists[i]:
                heap.append((lists[i][0], i, 0))
        heapq.heapify(heap)
        merged = []
        while heap:
            value, i, pos = heapq.heappop(heap)
            merged.append(value)
            if pos + 1 < len(lists[i]):
                heapq.heappush(heap, (lists[i][pos + 1], i, pos + 1))
        return merged
    """,
)
def _gen_merge_k_sorted(rng):
    return ([sorted(_ints(rng, -9, 9, 4)) for _ in range(rng.choice((0, 1, 2, 3, 3, 4)))],)


@program(
    "top_k_frequent",
    """Return the k values that occur most often in nums as (value, count) tuples, most frequent first;
    ties in frequency are broken by the smaller value first. If there are fewer than k distinct values,
    return all of them.""",
    """
    def top_k_frequent(nums, k):
        counts = {}
        for x in nums:
            counts[x] = counts.get(x, 0) + 1
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        result = []
        for value, count in ranked:
            if len(result) >= k:
                break
            result.append((value, count))
        return result
    """,
)
def _gen_top_k_frequent(rng):
    return (_ints(rng, 0, 6), rng.randint(1, 4))


@program(
    "rotate_matrix",
    """Return a new matrix equal to the square matrix (list of rows) rotated 90 degrees clockwise; the
    input is not modified. An empty matrix gives [].""",
    """
    def rotate_matrix(matrix):
        n = len(matrix)
        result = []
        for c in range(n):
            row = []
            for r in range(n - 1, -1, -1):
                row.append(matrix[r][c])
            result.append(row)
        return result
    """,
)
def _gen_rotate_matrix(rng):
    n = rng.choice((0, 1, 2, 3, 3, 4, 4))
    return (_matrix(rng, n, n),)


@program(
    "spiral_order",
    """Return the elements of a rectangular matrix (list of equal-length rows) in clockwise spiral
    order starting from the top-left corner. An empty matrix gives [].""",
    """
    def spiral_order(matrix):
        result = []
        if not matrix:
            return result
        top, bottom = 0, len(matrix) - 1
        left, right = 0, len(matrix[0]) - 1
        while top <= bottom and left <= right:
            for c in range(left, right + 1):
                result.append(matrix[top][c])
            for r in range(top + 1, bottom + 1):
                result.append(matrix[r][right])
            if top < bottom and left < right:
                for c in range(right - 1, left - 1, -1):
                    result.append(matrix[bottom][c])
                for r in range(bottom - 1, top, -1):
                    result.append(matrix[r][left])
            top += 1
            bottom -= 1
            left += 1
            right -= 1
        return result
    """,
)
def _gen_spiral_order(rng):
    rows = rng.randint(0, 4)
    return (_matrix(rng, rows, rng.randint(1, 4), 0, 9),)


@program(
    "linked_list_reverse",
    """A singly linked list is encoded as nodes, a list of [value, next] pairs where next is the index of
    the following node or -1, and head is the index of the first node (-1 for an empty list). Reverse
    the list and return its values in the new order (the input must not be modified).""",
    """
    def linked_list_reverse(nodes, head):
        nexts = [node[1] for node in nodes]
        prev = -1
        current = head
        while current != -1:
            following = nexts[current]
            nexts[current] = prev
            prev = current
            current = following
        values = []
        current = prev
        while current != -1:
            values.append(nodes[current][0])
            current = nexts[current]
        return values
    """,
)
def _gen_linked_list_reverse(rng):
    n = rng.randint(0, 8)
    order = list(range(n))
    rng.shuffle(order)
    length = rng.randint(min(n, 1), n)
    nodes = [[rng.randint(0, 20), -1] for _ in range(n)]
    for a, b in zip(order[:length], order[1:length], strict=False):
        nodes[a][1] = b
    head = order[0] if length else -1
    return (nodes, head)


@program(
    "sliding_window_max",
    """Return the maximum of every contiguous window of size k (1 <= k) of nums, left to right, using a
    deque of indices; if k > len(nums) the result is [].""",
    """
    from collections import deque

    def sliding_window_max(nums, k):
        window = deque()
        result = []
        for i in range(len(nums)):
            while window and nums[window[-1]] <= nums[i]:
                window.pop()
            window.append(i)
            if window[0] <= i - k:
                window.popleft()
            if i >= k - 1:
                result.append(nums[window[0]])
        return result
    """,
)
def _gen_sliding_window_max(rng):
    return (_ints(rng, -9, 9), rng.randint(1, 5))


@program(
    "queue_two_stacks",
    """Simulate a FIFO queue built from two stacks. ops is a list of ("push", x) and ("pop", 0) tuples;
    return the list of values produced by the pops in order, with None for a pop on an empty queue.""",
    """
    def queue_two_stacks(ops):
        inbox = []
        outbox = []
        popped = []
        for op, value in ops:
            if op == "push":
                inbox.append(value)
                continue
            if not outbox:
                while inbox:
                    outbox.append(inbox.pop())
            if outbox:
                popped.append(outbox.pop())
            else:
                popped.append(None)
        return popped
    """,
)
def _gen_queue_two_stacks(rng):
    ops = []
    for _ in range(rng.randint(0, 12)):
        ops.append(("push", rng.randint(0, 20)) if rng.random() < 0.55 else ("pop", 0))
    return (ops,)


@program(
    "min_stack_queries",
    """Simulate a stack that also reports its minimum. ops is a list of ("push", x), ("pop", 0) and
    ("min", 0) tuples; a pop on an empty stack does nothing. Return the list of answers to the "min"
    queries, using None when the stack is empty.""",
    """
    def min_stack_queries(ops):
        stack = []
        mins = []
        answers = []
        for op, value in ops:
            if op == "push":
                stack.append(value)
                if not mins or value <= mins[-1]:
                    mins.append(value)
            elif op == "pop":
                if stack:
                    top = stack.pop()
                    if top == mins[-1]:
                        mins.pop()
            else:
                answers.append(mins[-1] if mins else None)
        return answers
    """,
)
def _gen_min_stack_queries(rng):
    ops = []
    for _ in range(rng.randint(0, 12)):
        r = rng.random()
        ops.append(("push", rng.randint(0, 9)) if r < 0.45 else ("pop", 0) if r < 0.65 else ("min", 0))
    return (ops,)


@program(
    "lru_cache_gets",
    """Simulate a least-recently-used cache holding at most capacity >= 1 keys. ops is a list of
    ("put", key, value) and ("get", key, 0) tuples; both uses make the key most recent, and a put of a
    new key into a full cache evicts the least recent key. Return the results of the gets in order,
    with -1 for a missing key.""",
    """
    def lru_cache_gets(capacity, ops):
        cache = {}
        order = []
        results = []
        for op, key, value in ops:
            if key in cache:
                order.remove(key)
                order.append(key)
            if op == "get":
                results.append(cache.get(key, -1))
                continue
            if key not in cache:
                if len(order) >= capacity:
                    oldest = order.pop(0)
                    del cache[oldest]
                order.append(key)
            cache[key] = value
        return results
    """,
)
def _gen_lru_cache_gets(rng):
    ops = []
    for _ in range(rng.randint(1, 12)):
        key = rng.randint(1, 5)
        ops.append(("put", key, rng.randint(10, 99)) if rng.random() < 0.5 else ("get", key, 0))
    return (rng.randint(1, 3), ops)


@program(
    "running_median",
    """After each element of nums, report the lower median of the elements seen so far (for an even
    count, the smaller of the two middle values). Use two heaps; return the list of medians.""",
    """
    import heapq

    def running_median(nums):
        low = []
        high = []
        medians = []
        for x in nums:
            if not low or x <= -low[0]:
                heapq.heappush(low, -x)
            else:
                heapq.heappush(high, x)
            if len(low) > len(high) + 1:
                heapq.heappush(high, -heapq.heappop(low))
            elif len(high) > len(low):
                heapq.heappush(low, -heapq.heappop(high))
            medians.append(-low[0])
        return medians
    """,
)
def _gen_running_median(rng):
    return (_ints(rng, -9, 9),)


@program(
    "invert_mapping",
    """Invert a dict from string keys to integer values: return a dict mapping each value to the sorted
    list of keys that map to it.""",
    """
    def invert_mapping(mapping):
        inverted = {}
        for key in mapping:
            value = mapping[key]
            if value in inverted:
                inverted[value].append(key)
            else:
                inverted[value] = [key]
        for value in inverted:
            inverted[value] = sorted(inverted[value])
        return inverted
    """,
)
def _gen_invert_mapping(rng):
    keys = rng.sample(["a", "b", "c", "d", "e", "f", "g"], rng.randint(0, 6))
    return ({k: rng.randint(1, 3) for k in keys},)


@program(
    "flatten_nested",
    """Flatten an arbitrarily nested list of integers into a flat list of the integers in left-to-right
    order, using an explicit stack instead of recursion. Empty inner lists contribute nothing.""",
    """
    def flatten_nested(nested):
        result = []
        stack = [(nested, 0)]
        while stack:
            items, index = stack.pop()
            if index >= len(items):
                continue
            stack.append((items, index + 1))
            item = items[index]
            if isinstance(item, list):
                stack.append((item, 0))
            else:
                result.append(item)
        return result
    """,
)
def _gen_flatten_nested(rng):
    def build(depth):
        out = []
        for _ in range(rng.randint(0, 3)):
            if depth < 3 and rng.random() < 0.35:
                out.append(build(depth + 1))
            else:
                out.append(rng.randint(0, 9))
        return out

    return (build(0),)


@program(
    "matrix_multiply",
    """Return the matrix product a x b of two matrices given as lists of rows, where the number of
    columns of a equals the number of rows of b (both at least 1).""",
    """
    def matrix_multiply(a, b):
        rows = len(a)
        inner = len(b)
        cols = len(b[0])
        product = []
        for i in range(rows):
            row = []
            for j in range(cols):
                total = 0
                for k in range(inner):
                    total += a[i][k] * b[k][j]
                row.append(total)
            product.append(row)
        return product
    """,
)
def _gen_matrix_multiply(rng):
    r, m, c = rng.randint(1, 3), rng.randint(1, 3), rng.randint(1, 3)
    return (_matrix(rng, r, m, -4, 4), _matrix(rng, m, c, -4, 4))
