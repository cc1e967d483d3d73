"""Small-number suppression for reports that leave the service (commissioners, publication).

Primary suppression: any count of people from 1 to 4 is shown as "<5". Zero is shown: it
tells nobody anything about a person.

Secondary suppression: a hidden count must not be recoverable by subtraction. Where cells add
up to a total that is shown (a column and its total row; a row whose parts add up to another
of its cells), an equation with exactly one hidden cell gives that cell away. So whenever a
group has exactly one hidden cell, the next smallest cell of the group is hidden too (the
smallest above zero if there is one), and this repeats until no group has exactly one hidden
cell: hiding a cell for one group can leave another with one. Cells hidden this way are shown
as "[c]" (confidential), because they may well be 5 or more.

Derived figures (a %, a mean) are hidden with their counts: a % beside a total gives back the
count it came from.
"""

from dataclasses import dataclass, field

THRESHOLD = 5
SMALL = "<5"
HIDDEN = "[c]"


def is_small(value):
    return isinstance(value, int) and 0 < value < THRESHOLD


@dataclass
class Suppression:
    primary: set = field(default_factory=set)
    secondary: set = field(default_factory=set)

    @property
    def hidden(self):
        return self.primary | self.secondary

    def marker(self, key):
        if key in self.primary:
            return SMALL
        if key in self.secondary:
            return HIDDEN
        return None


def suppress(values: dict, groups=()) -> Suppression:
    """Which cells to hide. `values` maps each cell's key to its count; `groups` is a list of
    (parts, total): cell keys that add up to the total's key (total may be None when the
    group's sum is published elsewhere, or is not a sum at all but still must not leave
    exactly one cell to be worked out)."""
    result = Suppression(primary={key for key, value in values.items() if is_small(value)})
    changed = True
    while changed:
        changed = False
        for parts, total in groups:
            cells = [*parts, *([total] if total is not None else [])]
            hidden = [key for key in cells if key in result.hidden]
            if len(hidden) != 1:
                continue
            shown = [key for key in parts if key not in result.hidden]
            if shown:
                # The smallest shown part: one above zero if there is one.
                pick = min(shown, key=lambda key: (values[key] == 0, values[key]))
            elif total is not None and total not in result.hidden:
                pick = total
            else:
                continue
            result.secondary.add(pick)
            changed = True
    return result
