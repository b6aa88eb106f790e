"""Word lists the generator draws from: states, cities, industries, producers, names.

The values follow the shapes of the reference's synthetic insurance samples (state codes with their
names for the ``StateCd`` lookup, lines of business ``AUTO``/``WC``, distribution channels, producer
codes with profit centres); the lists themselves are written for this project.
"""

from __future__ import annotations

# The 50 states and DC: code → name (the ``StateCd`` value lookup of the examples).
STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}  # fmt: skip

# Territory of each state (the ``Territory`` column).
_TERRITORY_WEST = "AK AZ CA CO HI ID MT NV NM OR UT WA WY".split()
_TERRITORY_NORTHEAST = "CT DE ME MD MA NH NJ NY PA RI VT DC".split()
_TERRITORY_SOUTHEAST = "AL FL GA KY MS NC SC TN VA WV".split()


def territory(state: str) -> str:
    """The sales territory a state belongs to."""
    if state in _TERRITORY_WEST:
        return "West"
    if state in _TERRITORY_NORTHEAST:
        return "Northeast"
    if state in _TERRITORY_SOUTHEAST:
        return "Southeast"
    return "Central"


# (city, state code, zip prefix): a few cities per state, so city and state always agree.
CITIES: tuple[tuple[str, str, str], ...] = (
    ("Birmingham", "AL", "352"), ("Mobile", "AL", "366"), ("Anchorage", "AK", "995"),
    ("Phoenix", "AZ", "850"), ("Tucson", "AZ", "857"), ("Little Rock", "AR", "722"),
    ("Los Angeles", "CA", "900"), ("Oakland", "CA", "946"), ("Bakersfield", "CA", "933"),
    ("Denver", "CO", "802"), ("Colorado Springs", "CO", "809"), ("Hartford", "CT", "061"),
    ("Dover", "DE", "199"), ("Washington", "DC", "200"), ("Miami", "FL", "331"),
    ("Palm Bay", "FL", "329"), ("Tampa", "FL", "336"), ("Atlanta", "GA", "303"),
    ("Augusta", "GA", "309"), ("Honolulu", "HI", "968"), ("Boise", "ID", "837"),
    ("Chicago", "IL", "606"), ("Springfield", "IL", "627"), ("Indianapolis", "IN", "462"),
    ("Des Moines", "IA", "503"), ("Wichita", "KS", "672"), ("Topeka", "KS", "666"),
    ("Louisville", "KY", "402"), ("Lexington", "KY", "405"), ("New Orleans", "LA", "701"),
    ("Shreveport", "LA", "711"), ("Portland", "ME", "041"), ("Baltimore", "MD", "212"),
    ("Boston", "MA", "021"), ("Springfield", "MA", "011"), ("Detroit", "MI", "482"),
    ("Grand Rapids", "MI", "495"), ("Minneapolis", "MN", "554"), ("Jackson", "MS", "392"),
    ("Kansas City", "MO", "641"), ("Lee's Summit", "MO", "640"), ("Billings", "MT", "591"),
    ("Omaha", "NE", "681"), ("Las Vegas", "NV", "891"), ("Manchester", "NH", "031"),
    ("Newark", "NJ", "071"), ("Albuquerque", "NM", "871"), ("Rio Rancho", "NM", "871"),
    ("New York", "NY", "100"), ("Buffalo", "NY", "142"), ("Charlotte", "NC", "282"),
    ("Fayetteville", "NC", "283"), ("Fargo", "ND", "581"), ("Columbus", "OH", "432"),
    ("Cleveland", "OH", "441"), ("Tulsa", "OK", "741"), ("Portland", "OR", "972"),
    ("Philadelphia", "PA", "191"), ("Pittsburgh", "PA", "152"), ("Providence", "RI", "029"),
    ("Charleston", "SC", "294"), ("North Charleston", "SC", "294"), ("Sioux Falls", "SD", "571"),
    ("Nashville", "TN", "372"), ("Chattanooga", "TN", "374"), ("Houston", "TX", "770"),
    ("Dallas", "TX", "752"), ("Austin", "TX", "787"), ("Salt Lake City", "UT", "841"),
    ("West Jordan", "UT", "840"), ("Montpelier", "VT", "056"), ("Richmond", "VA", "232"),
    ("Alexandria", "VA", "223"), ("Newport News", "VA", "236"), ("Seattle", "WA", "981"),
    ("Spokane", "WA", "992"), ("Charleston", "WV", "253"), ("Milwaukee", "WI", "532"),
    ("Madison", "WI", "537"), ("Cheyenne", "WY", "820"),
)  # fmt: skip

# (industry, sector)
INDUSTRIES: tuple[tuple[str, str], ...] = (
    ("Regional Banks", "Financial"), ("Consumer Financial Services", "Financial"),
    ("Investment Services", "Financial"), ("Insurance Brokerage", "Financial"),
    ("Environmental Services", "Services"), ("Advertising", "Services"),
    ("Personal Services", "Services"), ("Professional Services", "Services"),
    ("Restaurants", "Services"), ("Real Estate Operations", "Services"),
    ("Software & Programming", "Services"), ("Agricultural Production", "Consumer Non Cyclical"),
    ("Alcoholic Beverages", "Consumer Non Cyclical"), ("Office Supplies", "Consumer Non Cyclical"),
    ("Nonalcoholic Beverages", "Consumer Non Cyclical"), ("Wholesale", "Retail"),
    ("Furniture & Fixtures", "Retail"), ("Specialty Retail", "Retail"), ("Grocery Stores", "Retail"),
    ("Technology Retail", "Retail"), ("Retail Apparel", "Retail"),
    ("Internet, Mail Order & Online Shops", "Retail"), ("Home Improvement", "Construction"),
    ("Forestry & Wood Products", "Construction"), ("Transport & Logistics", "Transportation"),
    ("Special Transportation Services", "Transportation"),
    ("Security & Armored Car Services", "Transportation"),
)  # fmt: skip

DISTRIBUTION_CHANNELS: tuple[str, ...] = (
    "Agent Portal", "Agent Email ACORD", "Agent Email Not-ACORD", "Direct Voice", "Direct Portal",
)  # fmt: skip

# (line of business, code); the codes are the ``LOB`` value lookup keys.
LINES_OF_BUSINESS: tuple[tuple[str, str], ...] = (
    ("Commercial Auto", "AUTO"),
    ("Worker's Comp", "WC"),
)
LOB_NAMES: dict[str, str] = {"AUTO": "Auto Insurance", "WC": "Worker's Compensation"}

# (profit centre id, producer code, agency name)
PRODUCERS: tuple[tuple[int, int, str], ...] = (
    (27719, 64916, "Houchens Insurance Group Inc."), (83896, 64985, "Shepherd Insurance"),
    (65294, 98527, "ALKEME"), (69393, 94997, "Van Buren Bay Insurance Co."),
    (31793, 43449, "Sterling Seacrest Pritchard"), (49345, 47201, "Robertson Ryan & Associates"),
    (25859, 49514, "Premier Group Insurance Inc."), (34312, 10463, "Towne Insurance"),
    (89148, 74785, "Professional Insurance Associates"), (16296, 33375, "Lawley LLC"),
    (64599, 48920, "VBBI Online Insurance LLC."),
)  # fmt: skip

COMPANY_VERBS: tuple[str, ...] = (
    "Matrix", "Reinvent", "Grow", "Integrate", "Exploit", "Implement", "Target", "Repurpose",
    "Mesh", "Utilize", "Cultivate", "Brand", "Envisioneer", "Enable", "Revolutionize", "Visualize",
    "Redefine", "Synergize", "Synthesize", "Optimize", "Embrace", "Seize", "Orchestrate",
    "Expedite", "Maximize", "Evolve", "Transition", "Engage", "Monetize", "Extend", "Generate",
    "Drive", "Architect", "Incubate", "Iterate", "Deploy", "Harness", "Leverage",
)  # fmt: skip
COMPANY_ADJECTIVES: tuple[str, ...] = (
    "Interactive", "Ubiquitous", "Impactful", "Real-Time", "Cutting-Edge", "B2B", "End-To-End",
    "24/365", "Value-Added", "Efficient", "Viral", "Magnetic", "Virtual", "Best-Of-Breed",
    "Proactive", "Compelling", "Revolutionary", "Rich", "Global", "Bricks-And-Clicks", "B2C",
    "Web-Enabled", "Enterprise", "Transparent", "Next-Generation", "Extensible", "Granular",
    "Customized", "Frictionless", "Scalable", "One-To-One", "Wireless", "Turn-Key", "Holistic",
)  # fmt: skip
COMPANY_NOUNS: tuple[str, ...] = (
    "Markets", "Platforms", "Metrics", "Functionalities", "Web-Readiness", "Partnerships",
    "Technologies", "Models", "Eyeballs", "Interfaces", "Web Services", "Portals", "Relationships",
    "Deliverables", "Roi", "Supply-Chains", "Experiences", "Infrastructures", "Systems", "Users",
    "Synergies", "Channels", "Content", "Paradigms", "E-Markets", "Info-Mediaries", "Solutions",
    "Initiatives", "E-Services", "Convergence", "Architectures", "Networks", "Applications",
)  # fmt: skip

FIRST_NAMES_F: tuple[str, ...] = (
    "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah",
    "Karen", "Lisa", "Nancy", "Betty", "Sandra", "Ashley", "Kimberly", "Emily", "Donna", "Michelle",
    "Carol", "Amanda", "Melissa", "Deborah", "Stephanie", "Rebecca", "Laura", "Sharon", "Cynthia",
    "Kathleen", "Amy", "Angela", "Anna", "Brenda", "Pamela", "Emma", "Nicole", "Helen", "Katie",
)  # fmt: skip
FIRST_NAMES_M: tuple[str, ...] = (
    "James", "Robert", "John", "Michael", "David", "William", "Richard", "Joseph", "Thomas",
    "Charles", "Christopher", "Daniel", "Matthew", "Anthony", "Mark", "Donald", "Steven", "Paul",
    "Andrew", "Joshua", "Kenneth", "Kevin", "Brian", "George", "Timothy", "Ronald", "Edward",
    "Jason", "Jeffrey", "Ryan", "Jacob", "Gary", "Nicholas", "Eric", "Jonathan", "Stephen", "Larry",
)  # fmt: skip
LAST_NAMES: tuple[str, ...] = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark",
    "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres",
    "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell",
    "Mitchell", "Carter", "Roberts", "McDonald", "O'Brien",
)  # fmt: skip
EMAIL_DOMAINS: tuple[str, ...] = (
    "gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "davis.com", "knight.biz", "fry.biz",
    "stone.info", "wilson.com", "mendez.com", "rice-hernandez.com", "conley-burton.com",
)  # fmt: skip

# Life insurance
SMOKING_CLASSES: tuple[str, ...] = ("N", "S")
SMOKING_NAMES: dict[str, str] = {"S": "Smoker", "N": "Non Smoker"}
UW_CLASSES: tuple[str, ...] = (
    "Preferred Plus",
    "Preferred",
    "Standard Plus",
    "Standard",
    "Substandard",
)
LIFE_PRODUCTS: tuple[tuple[str, int], ...] = (
    ("TERM10", 10), ("TERM15", 15), ("TERM20", 20), ("TERM30", 30), ("WL100", 99), ("UL", 99),
)  # fmt: skip
POLICY_STATUSES: tuple[str, ...] = (
    "Active",
    "Active",
    "Active",
    "Active",
    "Lapsed",
    "Terminated",
)
TERMINATION_REASONS: tuple[str, ...] = (
    "Non Payment",
    "Surrender",
    "Death Claim",
    "Conversion",
)
MARITAL_STATUSES: tuple[str, ...] = ("Single", "Married", "Divorced", "Widowed")
RELATIONSHIPS: tuple[str, ...] = ("Spouse", "Child", "Parent", "Sibling", "Trust")
