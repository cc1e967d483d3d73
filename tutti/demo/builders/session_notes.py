"""Made-up session records for the demo: (musical work, instruments, notes). Nothing here
names anyone; the notes describe the group's music, as real ones would."""

CAMDEN_RECORDS = [
    (
        ["improvisation", "singing"],
        "djembe, guitar, voice",
        "First session. We agreed the group's rules together and improvised on a two-chord "
        "loop. Most joined in with percussion; two sang along by the end.",
    ),
    (
        ["songwriting", "improvisation"],
        "guitar, keyboard, shakers",
        "Brainstormed words about 'home' for a group song. Lots of ideas; the group chose a "
        "chorus line and a tempo. Energy dipped after the break, picked up with drumming.",
    ),
    (
        ["songwriting", "recording"],
        "guitar, keyboard, microphone",
        "Finished the first verse and recorded a rough demo on the studio laptop. The group "
        "listened back twice and asked to redo the chorus next week.",
    ),
    (
        ["recording", "listening", "singing"],
        "microphone, keyboard",
        "Re-recorded the chorus in parts. Members took turns at the microphone; each chose "
        "whether to sing alone or with others.",
    ),
    (
        ["performance", "singing"],
        "guitar, cajon, voice",
        "Played the song through to each other as a rehearsal. Talked about nerves and what "
        "helps: breathing together before starting, and a signal to stop if needed.",
    ),
    (
        ["improvisation", "listening"],
        "keyboard, ocean drum, chimes",
        "A quieter session after a hard week for several members: free improvisation, then "
        "listening to a track each chose, and why.",
    ),
]
CAMDEN_AMENDED = (
    " Added the next morning: the group asked to perform the song at the open band night; "
    "we will talk about what that would feel like next week."
)

# A trainee's first records: the second is the one their supervisor returns.
TRAINEE_RECORDS = [
    (
        ["improvisation", "listening"],
        "drums, chimes, ocean drum",
        "First session. Most of the group chose a drum; we played a call-and-response "
        "game and listened to a calm track at the end. Two needed breaks from the noise.",
    ),
    (
        ["improvisation", "movement"],
        "drums, scarves, keyboard",
        "Movement to music with scarves, then free drumming. The group seemed happy.",
    ),
    (
        ["songwriting", "singing"],
        "ukulele, keyboard, voice",
        "Started a hello song with everyone's choice of sound. One member led the "
        "group's rhythm for the first time.",
    ),
]
