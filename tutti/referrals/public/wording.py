"""The words of the public referral form: pronouns, choices and their plain-English hints."""

from dataclasses import dataclass

from tutti.core.vocab import Circumstance, Need


@dataclass(frozen=True)
class Words:
    """Pronouns for questions about the person: about yourself, or about someone else."""

    is_self: bool

    @property
    def you(self):
        return "you" if self.is_self else "they"

    @property
    def them(self):
        return "you" if self.is_self else "them"

    @property
    def your(self):
        return "your" if self.is_self else "their"

    def fill(self, text):
        """Fill {you}, {them}, {your} (and capitalised {You}, {Your}) in `text`."""
        return text.format(
            you=self.you,
            them=self.them,
            your=self.your,
            You=self.you.capitalize(),
            Your=self.your.capitalize(),
        )


WHO_FOR = {
    # answer: (route, referrer relationship)
    "me": ("self", "self"),
    "child": ("family", "parent"),
    "cared_for": ("family", "carer"),
    "family": ("family", "family"),
}
WHO_FOR_LABELS = {
    "me": "Me",
    "child": "My child",
    "cared_for": "Someone I care for",
    "family": "A family member",
}
WHO_FOR_HINTS = {
    "child": "Including a child you are a guardian or foster carer for",
    "cared_for": "For example, a friend or neighbour you look after",
    "family": "For example, your partner, parent, brother or sister",
}
BEST_WAY = {
    "phone": "Phone call",
    "text": "Text message",
    "email": "Email",
    "any": "No preference",
}
NOT_SURE = "not_sure"
NONE_OF_THESE = "none"
NEED_HINTS = {
    Need.COMMUNICATION: "Getting ideas and needs across, with or without words",
    Need.INTERACTION: "Being with other people, taking turns and sharing attention",
    Need.SELF_EXPRESSION: "Showing feelings and ideas",
    Need.CONFIDENCE: "Feeling good about who {you} are and what {you} can do",
    Need.SOCIAL_SKILLS: "Making friends and getting on with other people",
    Need.SENSORY_MOTOR: "Movement and coordination, or coping with sounds, touch and light",
    Need.SELF_REGULATION: "Staying calm and coping with big feelings",
    Need.EMOTIONAL_WELLBEING: "Feeling low, worried or stressed",
    Need.INDEPENDENCE: "Doing more on {your} own, and wanting to try new things",
}
CIRCUMSTANCE_HINTS = {
    Circumstance.AUTISM: "Diagnosed, or waiting for an assessment",
    Circumstance.LEARNING_DIFFICULTY: "For example, Down's syndrome, or finding it hard to learn",
    Circumstance.DEVELOPMENTAL_DELAY: "A child taking longer than usual to talk, walk or play",
    Circumstance.MENTAL_HEALTH: "For example, depression, anxiety or psychosis",
    Circumstance.NEUROLOGICAL_INJURY: "For example, a stroke, head injury or Parkinson's",
    Circumstance.DEMENTIA: "Including memory problems that are being checked",
    Circumstance.PALLIATIVE_CARE: "Living with an illness that cannot be cured",
    Circumstance.TRAUMA_BEREAVEMENT: "Something very upsetting happened, or someone close died",
    Circumstance.ATTACHMENT: "Finding it hard to feel safe with, or close to, parents or carers",
    Circumstance.SOCIAL_ISOLATION: "Feeling cut off from other people",
    Circumstance.OTHER: "You can tell us more near the end of this form",
}
YES_NO = {"yes": "Yes", "no": "No"}
