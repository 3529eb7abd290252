"""Word lists for readable names, titles and handles, and a vectorized way to compose them."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

FIRST_NAMES = (
    "Ana",
    "Arjun",
    "Beatriz",
    "Ben",
    "Carla",
    "Chen",
    "Daniel",
    "Divya",
    "Elena",
    "Emma",
    "Fatima",
    "Felipe",
    "Grace",
    "Hannah",
    "Hiro",
    "Ibrahim",
    "Isabel",
    "James",
    "Julia",
    "Kofi",
    "Laura",
    "Liam",
    "Lucas",
    "Maria",
    "Marta",
    "Mei",
    "Mohammed",
    "Nadia",
    "Noah",
    "Olivia",
    "Pablo",
    "Priya",
    "Rafael",
    "Rahul",
    "Sara",
    "Sofia",
    "Thomas",
    "Valentina",
    "Wei",
    "Zoe",
    "Amara",
    "Jonas",
    "Léa",
    "Matteo",
    "Chloé",
    "Tomás",
    "Aisha",
    "Kenji",
    "Ravi",
    "Ines",
)
LAST_NAMES = (
    "Silva",
    "Smith",
    "Patel",
    "Müller",
    "García",
    "Rossi",
    "Kumar",
    "Johnson",
    "Santos",
    "Dubois",
    "Nguyen",
    "Kim",
    "Okafor",
    "Fernández",
    "Brown",
    "Sharma",
    "Costa",
    "Schmidt",
    "Williams",
    "Tanaka",
    "Martin",
    "Lopez",
    "Reyes",
    "Singh",
    "Wilson",
    "Moreau",
    "Jansen",
    "Ferreira",
    "Taylor",
    "Chen",
    "O'Brien",
    "Novak",
    "Haddad",
    "Mensah",
    "Yamamoto",
    "Ali",
    "Gonzalez",
    "Bianchi",
    "Evans",
    "Iyer",
)

# Subcategories of each contract category, with topics course titles are made of.
SUBCATEGORIES: dict[str, dict[str, tuple[str, ...]]] = {
    "development": {
        "web_development": ("React", "JavaScript", "Node.js", "Django", "Vue", "TypeScript", "HTML and CSS"),
        "mobile_development": ("Flutter", "Swift", "Kotlin", "React Native"),
        "programming_languages": ("Python", "Java", "C#", "Go", "Rust", "C++"),
        "game_development": ("Unity", "Unreal Engine", "Godot"),
    },
    "data_science": {
        "machine_learning": ("Machine Learning", "Deep Learning", "PyTorch", "TensorFlow", "LLM Engineering"),
        "data_analysis": ("SQL", "Pandas", "Excel for Data Analysis", "Power BI", "Tableau"),
        "statistics": ("Statistics", "A/B Testing", "Bayesian Statistics"),
    },
    "business": {
        "entrepreneurship": ("Startup Fundamentals", "Business Planning", "Fundraising"),
        "finance": ("Financial Modeling", "Accounting", "Investing", "Personal Finance"),
        "project_management": ("Agile and Scrum", "PMP Certification", "Product Management"),
    },
    "design": {
        "graphic_design": ("Photoshop", "Illustrator", "Canva", "Brand Identity"),
        "ux_design": ("UX Research", "Figma", "UI Design"),
        "3d_and_animation": ("Blender", "After Effects", "Motion Graphics"),
    },
    "marketing": {
        "digital_marketing": ("Digital Marketing", "Email Marketing", "Growth Marketing"),
        "seo": ("SEO", "Content Marketing", "Copywriting"),
        "social_media_marketing": ("Instagram Marketing", "TikTok Marketing", "YouTube Growth"),
    },
    "it_and_software": {
        "cloud": ("AWS", "Azure", "Google Cloud", "Kubernetes", "Docker"),
        "security": ("Cybersecurity", "Ethical Hacking", "CompTIA Security+"),
        "operating_systems": ("Linux", "Bash Scripting", "Windows Server"),
    },
    "personal_development": {
        "productivity": ("Productivity", "Time Management", "Notion"),
        "communication": ("Public Speaking", "Business English", "Negotiation"),
        "leadership": ("Leadership", "Management Skills", "Emotional Intelligence"),
    },
    "photography": {
        "photography_fundamentals": ("Photography", "Lightroom", "Smartphone Photography"),
        "video": ("Video Editing", "Premiere Pro", "DaVinci Resolve"),
    },
}
TITLE_PREFIXES = (
    "The Complete",
    "Mastering",
    "Introduction to",
    "Practical",
    "Hands-On",
    "Essential",
    "Modern",
    "Learn",
    "Ultimate",
    "Professional",
)
TITLE_SUFFIXES = (
    "",
    " for Beginners",
    " Masterclass",
    " Bootcamp",
    ": From Zero to Hero",
    " in 30 Days",
    ", Step by Step",
    ": Real-World Projects",
    " - Updated Edition",
    ", Tips and Tricks",
)
HANDLE_WORDS = (
    "learn",
    "code",
    "study",
    "tech",
    "data",
    "design",
    "grow",
    "skill",
    "dev",
    "create",
    "teach",
    "brain",
    "smart",
    "daily",
    "hustle",
    "nerd",
    "pro",
    "lab",
    "academy",
    "talks",
)


def pick(words: tuple[str, ...], codes: np.ndarray) -> pa.Array:
    """The words at the given indexes as a string array."""
    return pa.DictionaryArray.from_arrays(pa.array(np.asarray(codes, dtype=np.int32)), list(words)).cast(
        pa.string()
    )


def join(*parts: pa.Array | str, separator: str = "") -> pa.Array:
    """Element-wise concatenation of string arrays and literals."""
    return pc.binary_join_element_wise(*parts, separator)


def integers(values: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(values, dtype=np.int64)).cast(pa.string())
