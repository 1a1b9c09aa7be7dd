"""Classic algorithms: searching, sorting, selection and two-pointer scans."""

from __future__ import annotations

from . import Program, registrar

CATEGORY = "algorithms"
PROGRAMS: list[Program] = []
program = registrar(CATEGORY, PROGRAMS)


def _sorted_ints(rng, lo=-20, hi=20, max_len=12):
    return sorted(rng.randint(lo, hi) for _ in range(rng.randint(0, max_len)))


def _ints(rng, lo=-20, hi=20, max_len=12):
    return [rng.randint(lo, hi) for _ in range(rng.randint(0, max_len))]


@program(
    "binary_search",
    """Given a list of integers sorted in ascending order (duplicates allowed) and a target, return the
    index of the leftmost occurrence of target, or -1 if target is not in the list.""",
    """
    def binary_search(nums, target):
        lo = 0
        hi = len(nums) - 1
        found = -1
        while lo <= hi:
            mid = (lo + hi) // 2
            if nums[mid] == target:
                found = mid
                hi = mid - 1
            elif nums[mid] < target:
                lo = mid + 1
            else:
                hi = mid - 1
        return found
    """,
)
def _gen_binary_search(rng):
    nums = sorted(rng.randint(-6, 6) for _ in range(rng.choice((0, 1, 2, 5, 8, 10, 12))))
    if nums and rng.random() < 0.75:
        return (nums, rng.choice(nums))
    return (nums, rng.randint(-8, 8))


@program(
    "lower_bound",
    """Given an ascending list of integers and a value x, return the smallest index i such that
    nums[i] >= x; return len(nums) when every element is smaller than x.""",
    """
    def lower_bound(nums, x):
        lo = 0
        hi = len(nums)
        while lo < hi:
            mid = (lo + hi) // 2
            if nums[mid] < x:
                lo = mid + 1
            else:
                hi = mid
        return lo
    """,
)
def _gen_lower_bound(rng):
    nums = sorted(rng.randint(-8, 8) for _ in range(rng.randint(1, 12)))
    if rng.random() < 0.5:
        return (nums, rng.choice(nums))
    return (nums, rng.randint(-10, 10))


@program(
    "count_occurrences_sorted",
    """Given an ascending list of integers and a value x, return how many times x occurs, using two
    binary searches (first index >= x and first index > x). Return 0 when x is absent.""",
    """
    def count_occurrences_sorted(nums, x):
        lo, hi = 0, len(nums)
        while lo < hi:
            mid = (lo + hi) // 2
            if nums[mid] < x:
                lo = mid + 1
            else:
                hi = mid
        start = lo
        hi = len(nums)
        while lo < hi:
            mid = (lo + hi) // 2
            if nums[mid] <= x:
                lo = mid + 1
            else:
                hi = mid
        return lo - start
    """,
)
def _gen_count_occurrences_sorted(rng):
    nums = sorted(rng.randint(-3, 3) for _ in range(rng.randint(0, 12)))
    if nums and rng.random() < 0.8:
        return (nums, rng.choice(nums))
    return (nums, rng.randint(-4, 4))


@program(
    "search_rotated",
    """Given a list of distinct integers that was sorted ascending and then rotated at an unknown pivot
    (e.g. [4, 5, 6, 0, 1, 2]), return the index of target, or -1 if it is absent. Use a modified binary
    search.""",
    """
    def search_rotated(nums, target):
        lo, hi = 0, len(nums) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            if nums[mid] == target:
                return mid
            if nums[lo] <= nums[mid]:
                if nums[lo] <= target and target < nums[mid]:
                    hi = mid - 1
                else:
                    lo = mid + 1
            else:
                if nums[mid] < target and target <= nums[hi]:
                    lo = mid + 1
                else:
                    hi = mid - 1
        return -1
    """,
)
def _gen_search_rotated(rng):
    base = sorted(rng.sample(range(-15, 16), rng.choice((0, 1, 2, 3, 6, 9, 12, 12))))
    k = rng.randint(0, max(0, len(base) - 1))
    nums = base[k:] + base[:k]
    if nums and rng.random() < 0.75:
        return (nums, rng.choice(nums))
    return (nums, rng.randint(-16, 16))


@program(
    "insertion_sort",
    """Return a new list with the integers of nums in ascending order, sorted by insertion sort. The
    input list must not be modified.""",
    """
    def insertion_sort(nums):
        result = list(nums)
        for i in range(1, len(result)):
            key = result[i]
            j = i - 1
            while j >= 0 and result[j] > key:
                result[j + 1] = result[j]
                j -= 1
            result[j + 1] = key
        return result
    """,
)
def _gen_insertion_sort(rng):
    return (_ints(rng),)


@program(
    "selection_sort_desc",
    """Return a new list with the integers of nums in descending order, sorted by selection sort
    (repeatedly swap the largest remaining element to the front). The input must not be modified.""",
    """
    def selection_sort_desc(nums):
        result = list(nums)
        n = len(result)
        for i in range(n - 1):
            best = i
            for j in range(i + 1, n):
                if result[j] > result[best]:
                    best = j
            if best != i:
                result[i], result[best] = result[best], result[i]
        return result
    """,
)
def _gen_selection_sort_desc(rng):
    return (_ints(rng),)


@program(
    "merge_sort",
    """Return a new ascending list with the integers of nums, using a top-down merge sort. The empty
    list and single-element lists are returned as copies.""",
    """
    def merge_sort(nums):
        if len(nums) <= 1:
            return list(nums)
        mid = len(nums) // 2
        left = merge_sort(nums[:mid])
        right = merge_sort(nums[mid:])
        merged = []
        i = j = 0
        while i < len(left) and j < len(right):
            if left[i] <= right[j]:
                merged.append(left[i])
                i += 1
            else:
                merged.append(right[j])
                j += 1
        merged.extend(left[i:])
        merged.extend(right[j:])
        return merged
    """,
)
def _gen_merge_sort(rng):
    return (_ints(rng),)


@program(
    "counting_sort",
    """Return a new ascending list with the integers of nums, sorted by counting sort over the range
    min(nums)..max(nums). An empty input gives an empty list.""",
    """
    def counting_sort(nums):
        if not nums:
            return []
        low = min(nums)
        high = max(nums)
        counts = [0] * (high - low + 1)
        for x in nums:
            counts[x - low] += 1
        result = []
        for offset in range(len(counts)):
            value = offset + low
            for _ in range(counts[offset]):
                result.append(value)
        return result
    """,
)
def _gen_counting_sort(rng):
    return (_ints(rng, -8, 8),)


@program(
    "quickselect",
    """Return the k-th smallest element (k is 1-based, 1 <= k <= len(nums)) of a non-empty list of
    integers, using iterative quickselect with a three-way partition. The input must not be modified.""",
    """
    def quickselect(nums, k):
        items = list(nums)
        k -= 1
        while True:
            pivot = items[len(items) // 2]
            less = [x for x in items if x < pivot]
            equal = [x for x in items if x == pivot]
            greater = [x for x in items if x > pivot]
            if k < len(less):
                items = less
            elif k < len(less) + len(equal):
                return pivot
            else:
                k -= len(less) + len(equal)
                items = greater
    """,
)
def _gen_quickselect(rng):
    nums = [rng.randint(-20, 20) for _ in range(rng.randint(1, 12))]
    return (nums, rng.randint(1, len(nums)))


@program(
    "pair_sums_sorted",
    """Given an ascending list of integers and a target, return the list of distinct value pairs
    (a, b) as tuples with a <= b, taken from two different positions, such that a + b == target,
    ordered by a. Use two pointers moving inward and skip duplicate values.""",
    """
    def pair_sums_sorted(nums, target):
        pairs = []
        i, j = 0, len(nums) - 1
        while i < j:
            total = nums[i] + nums[j]
            if total < target:
                i += 1
            elif total > target:
                j -= 1
            else:
                pairs.append((nums[i], nums[j]))
                i += 1
                j -= 1
                while i < j and nums[i] == nums[i - 1]:
                    i += 1
                while i < j and nums[j] == nums[j + 1]:
                    j -= 1
        return pairs
    """,
)
def _gen_pair_sums_sorted(rng):
    nums = _sorted_ints(rng, -8, 8)
    if len(nums) >= 2 and rng.random() < 0.7:
        a, b = rng.sample(nums, 2)
        return (nums, a + b)
    return (nums, rng.randint(-10, 10))


@program(
    "three_sum_zero",
    """Return every distinct triple of values (a, b, c) with a <= b <= c, taken from three different
    positions of nums, whose sum is 0, as a list of tuples in ascending lexicographic order.""",
    """
    def three_sum_zero(nums):
        values = sorted(nums)
        n = len(values)
        triples = []
        for i in range(n - 2):
            if i > 0 and values[i] == values[i - 1]:
                continue
            lo, hi = i + 1, n - 1
            while lo < hi:
                total = values[i] + values[lo] + values[hi]
                if total < 0:
                    lo += 1
                elif total > 0:
                    hi -= 1
                else:
                    triples.append((values[i], values[lo], values[hi]))
                    lo += 1
                    while lo < hi and values[lo] == values[lo - 1]:
                        lo += 1
                    hi -= 1
        return triples
    """,
)
def _gen_three_sum_zero(rng):
    nums = [rng.randint(-5, 5) for _ in range(rng.randint(2, 10))]
    if rng.random() < 0.3:
        nums += [0, 0, 0][: rng.randint(1, 3)]
    rng.shuffle(nums)
    return (nums,)


@program(
    "max_water_container",
    """Given non-negative wall heights, return the largest area min(h[i], h[j]) * (j - i) over all
    pairs i < j, found with two pointers moving inward from both ends. Fewer than two walls give 0.""",
    """
    def max_water_container(heights):
        i = 0
        j = len(heights) - 1
        best = 0
        while i < j:
            width = j - i
            area = min(heights[i], heights[j]) * width
            if area > best:
                best = area
            if heights[i] < heights[j]:
                i += 1
            else:
                j -= 1
        return best
    """,
)
def _gen_max_water_container(rng):
    return ([rng.randint(0, 12) for _ in range(rng.randint(0, 12))],)


@program(
    "min_window_sum_length",
    """Given a list of positive integers and a target, return the length of the shortest contiguous
    sublist whose sum is at least target, or 0 if there is none. Use a sliding window.""",
    """
    def min_window_sum_length(nums, target):
        best = len(nums) + 1
        total = 0
        left = 0
        for right in range(len(nums)):
            total += nums[right]
            while total >= target and left <= right:
                length = right - left + 1
                if length < best:
                    best = length
                total -= nums[left]
                left += 1
        if best > len(nums):
            return 0
        return best
    """,
)
def _gen_min_window_sum_length(rng):
    nums = [rng.randint(1, 9) for _ in range(rng.randint(0, 12))]
    return (nums, rng.randint(4, 30))


@program(
    "merge_sorted_lists",
    """Merge two ascending lists of integers into one new ascending list containing all elements of
    both (duplicates kept). When values are equal, take the one from the first list first.""",
    """
    def merge_sorted_lists(a, b):
        result = []
        i = 0
        j = 0
        while i < len(a) and j < len(b):
            if a[i] <= b[j]:
                result.append(a[i])
                i += 1
            else:
                result.append(b[j])
                j += 1
        while i < len(a):
            result.append(a[i])
            i += 1
        while j < len(b):
            result.append(b[j])
            j += 1
        return result
    """,
)
def _gen_merge_sorted_lists(rng):
    return (_sorted_ints(rng, -10, 10, 7), _sorted_ints(rng, -10, 10, 7))


@program(
    "closest_pair_difference",
    """Return the pair (a, b) of values from two different positions of nums with the smallest
    difference b - a >= 0, as a tuple with a <= b; among ties take the smallest a. Return None when nums
    has fewer than two elements.""",
    """
    def closest_pair_difference(nums):
        if len(nums) < 2:
            return None
        values = sorted(nums)
        best = None
        best_gap = 0
        for i in range(1, len(values)):
            gap = values[i] - values[i - 1]
            if best is None or gap < best_gap:
                best_gap = gap
                best = (values[i - 1], values[i])
        return best
    """,
)
def _gen_closest_pair_difference(rng):
    return (_ints(rng, -40, 40),)
