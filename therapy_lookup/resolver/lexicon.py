"""Word lists that stay code: rules of English and of how diagnoses are written, not facts.

Each set says what it is for; :mod:`tests.test_resolver_lexicon` checks them.
"""

from __future__ import annotations

# Small words left out when names are compared ("carcinoma of the breast").
STOPWORDS = frozenset(
    [
        "of", "the", "a", "an", "and", "or", "in", "on", "at", "for", "to", "with", "without",
        "from", "by", "nos", "unspecified", "otherwise", "specified", "not", "type", "site",
        "part", "other"
    ]
)
# Words a negation may precede without negating the diagnosis ("without metastases").
NEGATABLE = frozenset(
    [
        "metastase", "metastasis", "metastatic", "met", "mets", "spread", "progression",
        "recurrence", "relapse", "evidence", "nodal", "node", "lymph",
    ]
)
# Words that join several names (a lookup without them is less certain).
CONJUNCTIONS = frozenset(["and", "or", "other"])
# Head nouns that say "a cancer" without saying which.
GENERIC_HEADS = frozenset(
    [
        "cancer", "carcinoma", "tumor", "neoplasm", "neoplasia", "malignancy", "malignant",
    ]
)
# The generic heads with their plurals and other spellings ("tumours", "carcinomas").
CANCER_WORDS = GENERIC_HEADS | frozenset(["tumour", "tumours", "tumors", "cancers", "carcinomas"])
# Words that say something about the patient or the disease's course, not its type: skipped
# when the words a name covers are counted.
FILLERS = frozenset(
    [
        "sporadic", "hereditary", "familial", "inherited", "nonhereditary", "non", "bilateral",
        "unilateral", "multifocal", "multicentric", "recurrent", "relapsed", "refractory",
        "metastatic", "metastasis", "advanced", "locally", "unresectable", "resectable",
        "inoperable", "operable", "early", "late", "newly", "diagnosed", "adult", "pediatric",
        "childhood", "paediatric", "infant", "infantile", "child", "children", "kid", "young",
        "elderly", "primary", "secondary", "localized", "localised", "disseminated", "widespread",
        "invasive", "aggressive", "indolent", "stage", "grade", "high", "low", "intermediate",
        "history", "personal", "left", "right", "upper", "lower", "overlapping", "form", "female",
        "male",
        "forms", "case", "patient", "diagnosis", "diagnosed", "dx", "hx", "suspected", "probable",
        "possible", "confirmed", "known", "presumed", "de", "novo", "after", "prior",
        "post", "following", "therapy", "treatment", "treated", "line", "regimen", "anti",
        "car", "cart", "my", "mom", "mum", "dad", "mother", "father", "wife", "husband",
        "son", "daughter", "sister", "brother", "friend", "baby", "toddler", "teen",
        "teenager", "boy", "girl", "man", "woman", "men", "women", "has", "have", "had",
        "having", "got", "get", "diagnosed", "living", "survivor", "germline", "somatic", "was",
        "is", "been", "just", "told", "recently"
    ]
)
# Body sites and anatomical adjectives: where a tumour is, not what it is.
SITE_WORDS = frozenset(
    [
        "knee", "leg", "arm", "thigh", "shoulder", "hip", "back", "chest", "abdomen", "abdominal",
        "retroperitoneum", "retroperitoneal", "pelvis", "pelvic", "face", "scalp", "trunk", "limb",
        "extremity", "extremities", "foot", "hand", "finger", "toe", "buttock", "groin", "flank",
        "calf", "forearm", "elbow", "wrist", "ankle", "heel", "spine", "spinal", "paraspinal",
        "mediastinal", "axilla", "axillary", "inguinal", "orbit", "orbital", "jaw", "mandible",
        "maxilla", "skull", "rib", "sternum", "femur", "tibia", "fibula", "humerus", "radius",
        "ulna", "sacrum", "sacral", "clavicle", "scapula", "vertebra", "vertebral", "body", "wall",
        "cerebellar", "cerebral", "retinal", "intracranial", "extracranial", "soft", "part",
        "parts", "nodal", "extranodal", "visceral", "peripheral", "central"
    ]
)
# Organ words: "thymic lymphoma" is a lymphoma (organ-specific names match first), but
# "lung" + a generic word is no more than "cancer".
ORGAN_WORDS = frozenset(
    [
        "thymic", "gastric", "hepatic", "renal", "pulmonary", "pancreatic", "ovarian",
        "uterine", "testicular", "cutaneous", "ocular", "intestinal", "colonic", "rectal",
        "esophageal", "splenic", "vulvar", "vaginal", "penile", "prostatic", "cardiac",
        "breast", "lung", "liver", "kidney", "skin", "thyroid", "bladder", "colon", "rectum",
        "stomach", "pancreas", "ovary", "prostate", "cervix", "uterus", "esophagus",
        "oesophagus", "bowel", "testis", "brain", "bone", "bile", "biliary", "gallbladder",
    ]
)
# Diseases that are no cancer (and real words a spelling correction must leave alone).
NON_CANCER = frozenset(
    [
        "diabete", "diabetes", "headache", "migraine", "asthma", "arthritis", "hypertension",
        "anemia", "hematoma", "melanosis", "lipoma", "cyst", "fibroid", "acne", "eczema",
        "psoriasis", "infection", "pneumonia", "covid", "flu", "influenza", "fever", "stroke",
        "epilepsy", "depression", "anxiety", "obesity", "gout", "lupus", "sclerosis", "dementia",
        "alzheimer", "parkinson", "cirrhosis", "hepatitis", "nephritis", "colitis", "crohn",
        "ulcer", "hernia", "fracture", "sprain",
        # real words a spelling correction must not turn into a cancer
        "melasma", "sarcoid", "sarcoidosis", "fibrosis", "dermoid", "nevus", "naevus", "polyp",
        "keratosis", "granuloma", "abscess", "wart", "fibroadenoma", "hyperplasia",
    ]
)
# "X <word> from Y": X is what the disease is now.
TRANSFORMED = frozenset(
    [
        "evolving", "evolved", "transformed", "transforming", "transformation", "arising",
        "arisen", "arose", "progressed", "progressing", "progression", "derived", "developing",
        "developed",
    ]
)
# Words after a gene symbol that make it a gene ("ATM-mutated", "KIT mutant").
GENE_WORDS = frozenset(
    [
        "mutated", "mutant", "mutation", "mut", "deleted", "deletion", "amplified",
        "amplification", "fusion", "rearranged", "rearrangement", "altered", "alteration",
        "variant", "germline", "somatic", "expressing", "expression", "methylated",
    ]
)
# Words that deny or weaken a cancer ("no cancer", "benign", "premalignant").
NEGATION = frozenset(
    [
        "no", "not", "non", "without", "negative", "benign", "free", "noncancerous",
        "nonmalignant", "precancerous", "premalignant", "absence", "absent", "ruled", "rule"
    ]
)
# Abbreviations and codes that are also common short words: matched only when typed in upper case.
SHORT_WORDS = frozenset(
    [
        "all", "am", "an", "as", "at", "be", "by", "do", "go", "he", "if", "in", "is", "it", "me",
        "my", "no", "of", "on", "or", "so", "to", "up", "us", "we", "ups", "cup", "art", "ban",
        "bat", "car", "cat", "men", "pet", "net", "nut", "rat", "red", "sea", "set", "tan", "ten",
        "tin", "was", "win", "pen", "sun", "ms", "mac", "mal", "mel", "es", "os", "st", "ly", "pd",
        "mp", "pt", "ba", "da", "ep", "et", "cm", "mm", "ml", "ac", "pm", "hs", "lc", "ps", "ss",
        "sm", "ct", "gc", "hd", "ph", "dt", "pa", "tc", "cs", "rc", "ec", "mf", "pc", "lms", "mds",
        "ace", "aid", "aids", "alt", "ast", "bc", "bcc", "cc", "cap", "cel", "dcis", "dip", "hit",
        "mast", "met", "nmc", "pad", "pin", "sad", "scat", "spa", "sol", "nb", "fl", "bl", "pv",
        "adc", "uc", "wt", "hb", "mb", "pa", "pn", "ms",
        # English words that are codes in capitals ("I read", "um,", "in the past", "arms")
        "read", "um", "past", "arms", "arch", "des", "lam", "mixed", "oat", "other", "lymph",
        "ras", "tet", "va", "heme", "hema", "solid",
    ]
)
# OncoTree codes never matched as codes (they read as other things: MS, PD, …).
CODE_STOP = frozenset(
    "MS PD PT FA MP AA ALT GN DA BA EP HS LM CM TT SS MF SM ET PV PB WT UC".split()
)

# The top groups of the tree (ids in data/cancer_types.csv): never an answer by themselves.
TOP_GROUPS = frozenset({"CANCER", "SOLID", "HEME"})
# Word endings that make an unknown word look like a cancer ("XYZoma").
CANCER_WORD_ENDINGS = ("oma", "omas", "emia", "emias", "cancer", "cancers", "tumor", "tumors")
# Main types (besides blood cancers) whose cancers arise in many organs: a named organ is then
# only their site.
ANY_ORGAN = frozenset({"SOFT_TISSUE", "PNS"})
# Words of a note after the diagnosis ("… (dx)", "…, biopsy proven", "… - confirmed 2019"): a
# trailing run of them (and years) is taken off before the diagnosis is read.
NOTE_WORDS = frozenset(
    [
        "dx", "hx", "diagnosis", "diagnosed", "confirmed", "biopsy", "proven", "proved",
        "pathology", "pathologic", "pathological", "pathologically", "histologically",
        "histology", "cytology", "path", "report", "reported", "imaging", "scan", "ct", "mri",
        "pet", "ago", "year", "years", "yr", "yrs", "month", "months", "initial", "recent",
        "recently", "known", "suspected", "probable", "possible", "presumed", "query", "likely",
    ]
)
# Small words a note may hold between its words ("confirmed by biopsy in 2019").
NOTE_LINKS = frozenset(
    ["in", "on", "at", "by", "per", "since", "from", "of", "the", "was", "is", "and"]
)

# The adjective a type's name uses for an organ people name by its noun ("lymphoma of the
# spleen" is a splenic lymphoma, "T-cell lymphoma of the skin" a cutaneous one).
ORGAN_ADJECTIVES: dict[str, str] = {
    "spleen": "splenic", "skin": "cutaneous", "brain": "cerebral", "lung": "pulmonary",
    "lungs": "pulmonary", "stomach": "gastric", "kidney": "renal", "kidneys": "renal",
    "pleura": "pleural", "peritoneum": "peritoneal", "ovary": "ovarian", "ovaries": "ovarian",
    "uterus": "uterine", "womb": "uterine", "cervix": "cervical", "prostate": "prostatic",
    "pancreas": "pancreatic", "eye": "ocular", "nose": "nasal", "intestine": "intestinal",
    "colon": "colonic", "rectum": "rectal", "anus": "anal", "mediastinum": "mediastinal",
    "thymus": "thymic", "testis": "testicular", "testicle": "testicular", "vulva": "vulvar",
    "vagina": "vaginal", "penis": "penile", "esophagus": "esophageal", "oesophagus": "esophageal",
    "ileum": "ileal", "jejunum": "jejunal", "duodenum": "duodenal", "appendix": "appendiceal",
    "larynx": "laryngeal", "pharynx": "pharyngeal", "tonsil": "tonsillar", "liver": "hepatic",
    "bone": "osseous", "breast": "mammary", "heart": "cardiac", "bladder": "bladder",
    "ureter": "ureteral", "adrenal": "adrenal", "thyroid": "thyroid", "conjunctiva": "conjunctival",
}

# Parts of an organ, and lay or Latin names of it, as the organ is named in types' names
# ("neuroendocrine tumour of the terminal ileum" is a small bowel one).
SITE_SYNONYMS: dict[str, str] = {
    "ileum": "small bowel", "jejunum": "small bowel", "small intestine": "small bowel",
    "cervix uteri": "cervix", "uterine cervix": "cervix", "corpus uteri": "uterus",
    "womb": "uterus", "gullet": "esophagus", "food pipe": "esophagus", "oesophagus": "esophagus",
    "voice box": "larynx", "large bowel": "colon", "large intestine": "colon",
    "lining of the lung": "pleura", "lining of the lungs": "pleura",
    "lining of the abdomen": "peritoneum", "back passage": "rectum", "testicle": "testis",
    "testicles": "testis",
}
# Words that say where in an organ, not which organ ("distal oesophagus", "terminal ileum").
SITE_PARTS = frozenset(
    "distal proximal terminal upper lower middle mid left right anterior posterior".split()
)
