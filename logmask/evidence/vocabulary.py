"""The vocabulary of personal data: terms, categories, modifiers and contexts.

Data only, kept apart from the matchers (``names.py``, ``sources.py``) so that a
reviewer can read, argue about and extend the rules without reading code. The
source for every list is ``pii-evidence.md`` (the 60 tricky cases) and the false
positives other tools were reported for.

Phrases are space-separated lower-case tokens, exactly as ``tokens.tokenize``
produces them (``"phone number"`` matches ``phone_number``, ``phoneNumber`` and
``phonenumber``). The matcher derives the plural of a phrase's last token, so
only irregular plurals are listed.
"""

from __future__ import annotations

from dataclasses import dataclass

from logmask.findings import Confidence

HIGH: Confidence = "high"
MEDIUM: Confidence = "medium"
LOW: Confidence = "low"


@dataclass(frozen=True, slots=True)
class Term:
    """A personal-data phrase and how much it proves, with and without a person in sight.

    ``alone`` is the confidence for the phrase by itself (``email``), ``person``
    the confidence when a person owns it (``user.name``, ``customer_age``); None
    means "not personal" in that situation. An ``ambiguous`` phrase (``name``,
    ``id``, ``ip``) names something else as soon as a non-person word qualifies
    it (``run_name``, ``image_id``, ``server_ip``). An ``infra`` phrase is about
    machines under an ML/infrastructure context (``cuda_device_id``,
    ``server.mac_address``).
    """

    phrase: str
    category: str
    alone: Confidence | None
    person: Confidence | None
    ambiguous: bool = False
    infra: bool = False
    plural: bool = True


def _terms(
    category: str,
    alone: Confidence | None,
    person: Confidence | None,
    *phrases: str,
    ambiguous: bool = False,
    infra: bool = False,
    plural: bool = True,
) -> tuple[Term, ...]:
    return tuple(Term(p, category, alone, person, ambiguous, infra, plural) for p in phrases)


def _numbered(*bases: str) -> tuple[str, ...]:
    """``phone`` -> ``phone number``, ``phone no``...: a number after a PII noun is its id."""
    return tuple(f"{b} {s}" for b in bases for s in NUMBER_SUFFIXES)


def plural(word: str) -> str:
    """English plural, good enough for the vocabulary (address -> addresses, city -> cities)."""
    if word.endswith("sis"):
        return word[:-3] + "ses"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _words(text: str) -> frozenset[str]:
    """A set from whitespace-separated words: long word lists stay readable as data."""
    return frozenset(text.split())


def _with_plurals(text: str) -> frozenset[str]:
    return frozenset(form for word in text.split() for form in (word, plural(word)))


def _phrases(text: str) -> tuple[str, ...]:
    """Comma-separated phrases of space-separated tokens."""
    return tuple(" ".join(p.split()) for p in text.split(",") if p.strip())


# Suffixes that turn a PII noun into an identifier (phone_num, card_no, passport_nr).
NUMBER_SUFFIXES = ("number", "no", "num", "nr", "nbr")

_DRIVER_LICENSES = tuple(
    f"{d} {lic}"
    for d in ("driver", "drivers", "driving")
    for lic in ("license", "licence", "license number", "licence number", "license no")
)

# fmt: off
TERMS: tuple[Term, ...] = (
    # contact.email
    *_terms("contact.email", HIGH, HIGH,
            "email", "e mail", "email address", "e mail address", "mail address", "email addr"),
    # "emails" may be messages, not addresses; "email id" is an address in some code
    # bases and a message id in others.
    *_terms("contact.email", MEDIUM, HIGH, "emails", plural=False),
    *_terms("contact.email", MEDIUM, HIGH, "email id"),
    *_terms("contact.email", LOW, HIGH, "mail", ambiguous=True),
    # contact.phone
    *_terms("contact.phone", HIGH, HIGH,
            "phone", "telephone", "msisdn", "fax", "mobile phone", "cell phone", "home phone",
            "work phone",
            *_numbered("phone", "mobile", "cell", "telephone", "tel", "fax", "contact",
                       "whatsapp")),
    *_terms("contact.phone", LOW, HIGH, "mobile", "tel", ambiguous=True),
    *_terms("contact.phone", None, HIGH, "cell", ambiguous=True),
    # contact.address
    *_terms("contact.address", HIGH, HIGH,
            "street", "street address", "street name", "street addr", "address line",
            "addr line", "house number", "home address", "postal address", "mailing address",
            "shipping address", "billing address", "residential address", "delivery address",
            "physical address", "home addr", "zip code", "postcode", "postal code", "post code"),
    *_terms("contact.address", LOW, HIGH, "address", "addr", ambiguous=True),
    *_terms("contact.address", None, HIGH, "zip", ambiguous=True),
    *_terms("contact.address", LOW, LOW, "city", "country", "region", "province", "county",
            ambiguous=True),
    *_terms("contact.address", None, LOW, "state", ambiguous=True),
    # identity.name
    *_terms("identity.name", HIGH, HIGH,
            "first name", "last name", "surname", "given name", "family name", "full name",
            "maiden name", "middle name", "legal name", "real name", "forename", "birth name",
            infra=True),  # model_full_name, function_fullname: qualified names of code
    *_terms("identity.name", LOW, HIGH, "name", ambiguous=True),
    *_terms("identity.name", LOW, MEDIUM, "display name", "nickname", "nick name",
            "preferred name", ambiguous=True),
    # identity.account: login identifiers are medium (case 27), not high
    *_terms("identity.account", MEDIUM, MEDIUM,
            "username", "user name", "login name", "screen name", "user handle", "user login",
            "login id"),
    *_terms("identity.account", MEDIUM, MEDIUM, "account name", ambiguous=True),
    *_terms("identity.account", LOW, MEDIUM, "login", ambiguous=True),
    *_terms("identity.account", None, MEDIUM, "handle", ambiguous=True),
    # identity.id: pseudonymous, medium, and only with a person (user_id, not run_id)
    *_terms("identity.id", LOW, MEDIUM, "id", "uid", "identifier", ambiguous=True),
    *_terms("identity.id", None, MEDIUM, "uuid", "guid", "number", "no", "nr", ambiguous=True),
    *_terms("identity.id", MEDIUM, MEDIUM, "account id", ambiguous=True),
    # device_ids=[0, 1] is torch.nn.DataParallel: no plural
    *_terms("identity.id", MEDIUM, MEDIUM, "device id", "device identifier", "device uuid",
            infra=True, plural=False),
    *_terms("identity.id", MEDIUM, MEDIUM, "imei", "udid", "advertising id", "idfa", "idfv",
            "gaid", infra=True),
    # gov_id
    *_terms("gov_id", HIGH, HIGH,
            "ssn", "social security number", "social security no", "social security",
            "national id", "national id number", "national identity number",
            "national insurance number", "nin", "nino", "passport id",
            *_numbered("passport", "tax", "nhs", "medicare", "id card", "identity card"),
            *_DRIVER_LICENSES,
            "tax id", "taxpayer id", "itin", "tfn", "aadhaar", "aadhar", "pesel", "cpf",
            "voter id", "id card", "identity card"),
    *_terms("gov_id", MEDIUM, HIGH, "passport"),
    *_terms("gov_id", MEDIUM, HIGH, "id number", "id no", ambiguous=True),
    *_terms("gov_id", None, MEDIUM, "license", "licence", ambiguous=True),
    # financial
    *_terms("financial", HIGH, HIGH,
            "credit card", "debit card", "bank card", "card pan", "ccn", "cvv", "cvc", "iban",
            "bank account", "sort code",
            *_numbered("card", "credit card", "debit card", "cc", "account", "acct",
                       "bank account", "routing")),
    *_terms("financial", MEDIUM, MEDIUM, "salary", "income", "wage", "credit score",
            "net worth"),
    *_terms("financial", LOW, LOW, "billing", ambiguous=True),
    # dob_age
    *_terms("dob_age", HIGH, HIGH,
            "dob", "date of birth", "birth date", "birthday", "birth day"),
    *_terms("dob_age", MEDIUM, MEDIUM,
            "birth year", "year of birth", "yob", "birth place", "birthplace", "place of birth"),
    *_terms("dob_age", LOW, MEDIUM, "age", ambiguous=True),
    # network
    *_terms("network", HIGH, HIGH,
            "ip address", "ipv4 address", "ipv6 address", "mac address", "mac addr", infra=True),
    *_terms("network", MEDIUM, MEDIUM,
            "ip addr", "remote addr", "remote address", "remote ip", "src ip", "source ip",
            "request ip", "x forwarded for", infra=True),
    *_terms("network", LOW, MEDIUM, "ip", "ipv4", "ipv6", ambiguous=True),
    # location
    *_terms("location", HIGH, HIGH,
            "lat lng", "lat lon", "lat long", "latitude longitude", "geo coordinates",
            "gps coordinates"),
    *_terms("location", MEDIUM, MEDIUM,
            "latitude", "longitude", "gps", "geolocation", "geo location", "home location",
            *(f"{ctx} {axis}" for ctx in ("geo", "gps", "home") for axis in ("lat", "lon", "lng"))),
    *_terms("location", LOW, MEDIUM, "lat", "lon", "lng", "location", ambiguous=True),
    *_terms("location", None, MEDIUM, "coordinates", "coords", ambiguous=True),
    *_terms("location", LOW, LOW, "timezone", "time zone", "locale", ambiguous=True),
    # special categories (GDPR art. 9)
    *_terms("special", HIGH, HIGH,
            "ethnicity", "ethnic origin", "religion", "religious belief",
            "religious affiliation", "sexual orientation", "political affiliation",
            "political opinion", "political party", "diagnosis", "diagnosis code",
            "medical record", "medical record number", "mrn", "medical history",
            "medical condition", "prescription", "blood type", "blood group", "biometric",
            "biometrics", "biometric data", "genetic data", "hiv status", "health record"),
    *_terms("special", HIGH, HIGH, "diagnoses", plural=False),
    *_terms("special", MEDIUM, HIGH, "race", ambiguous=True),
    *_terms("special", MEDIUM, MEDIUM, "gender", "sex", ambiguous=True),
    *_terms("special", MEDIUM, MEDIUM,
            "health status", "health condition", "mental health", "disability", "nationality"),
)
# fmt: on

# Fused spellings that the tokenizer splits (emailaddress -> email address).
FUSED: dict[str, tuple[str, ...]] = {
    "".join(phrase.split()): tuple(phrase.split())
    for phrase in _phrases(
        """
        email address, email addresses, email addr, mail address, phone number, phone numbers,
        phone no, phone num, mobile number, mobile no, cell phone, date of birth, birth date,
        birth year, year of birth, place of birth, first name, first names, last name,
        last names, full name, middle name, given name, family name, maiden name, display name,
        screen name, login name, user name, user names, user id, user ids, customer id,
        client id, patient id, member id, employee id, account id, device id, account number,
        card number, credit card, credit cards, credit card number, zip code, zip codes,
        postal code, street address, home address, billing address, shipping address,
        ip address, ip addresses, ip addr, mac address, remote addr, client ip, user ip,
        lat lng, lat lon, lat long, social security, social security number, national id,
        passport number, passport no, tax id, bank account, routing number, sort code,
        blood type, chat history, user input
        """
    )
}

# --------------------------------------------------------------------------- contexts

# Words that name a person: an ambiguous term under one of these is about that person.
# Left out on purpose: caller (a function in Python code), child/parent/individual
# (trees, evolutionary algorithms), candidate/tenant (beam search, Azure tenant_id),
# worker/driver/agent/teacher (ML).
PERSON_NOUNS: frozenset[str] = _with_plurals(
    """
    user usr customer cust client patient member person employee emp applicant subscriber
    contact lead student pupil buyer seller sender recipient author owner holder cardholder
    accountholder policyholder visitor guest passenger resident citizen voter donor
    participant respondent requester speaker annotator rater reviewer borrower doctor
    physician nurse clinician rider shopper traveler traveller attendee assignee spouse friend
    """
) | _words("people persons staff beneficiary beneficiaries")

# Person words that are too often something else inside an identifier (AWS
# `profile_name`), but do count as an owner (`profile.email`, `profile["name"]`).
WEAK_PERSON_NOUNS: frozenset[str] = _words("profile profiles")

# A qualifier that makes an ambiguous term personal without naming a person (personal_id).
PERSONAL_QUALIFIERS: frozenset[str] = _words("personal")

# ML and infrastructure words: under these, name/id/address/ip/location are infrastructure
# (run_name, model_id, server_ip, master_addr, memory_address, cuda_device_id).
NEGATIVE_CONTEXTS: frozenset[str] = _with_plurals(
    """
    model run experiment exp project sweep trial artifact dataset ds table tokenizer vocab
    layer module optimizer optim scheduler sched class cls label feature column col file path
    dir folder host hostname server master worker node rank device cuda gpu tpu xla mps cpu
    cache memory mem proc process pid thread input pad padding token adapter param hparam
    hyperparam config cfg conf setting args opts option env environment job task pipeline step
    checkpoint ckpt metric tag batch split image img video audio url endpoint api service app
    bucket queue topic pod container cluster instance machine vm network net socket port proxy
    gateway db database index idx repo branch commit version package system sys os platform
    wandb mlflow tracker logger writer trainer estimator agent tensor weight head attn
    attention embedding graph kernel loader dataloader generator docker aws gcp azure storage
    span trace session request function func fn method callable handler op symbol
    """
)

# Neutral qualifiers, skipped when looking for the word that owns a term
# (current_address, billing_name, self.name, row["age"]).
IGNORABLE: frozenset[str] = _words(
    """
    my your our their his her the a an this that cur curr current new old prev previous last
    latest raw orig original tmp temp get fetch primary secondary alt alternate other
    preferred main home work billing shipping mailing delivery emergency legal private public
    actual true registered self obj row rows record records rec entry r x df info details
    """
)

# Trailing words that do not change what a value is (email_str, phone_raw, user_ids_list);
# in an owner, container words (users_df, user_list).
TRANSPARENT_SUFFIXES: frozenset[str] = _words(
    """
    str string strs strings list lst arr array series val vals value values raw clean cleaned
    normalized normalised norm lower lowercase upper uppercase stripped parsed orig original
    tmp temp var obj input inputs df data x new old
    """
)

# --------------------------------------------------------------------------- modifiers

# Anywhere outside the matched term: the value was transformed (hashed_email, ssn_redacted).
# "sha" is a token of sha256, never a prefix: shared_phone_number is a phone number.
TRANSFORM_VETOES: frozenset[str] = _words(
    """
    hash hashed hashes hashing sha md5 digest hexdigest hmac bcrypt masked mask masking
    redacted redact redaction anonymized anonymised anonymize anonymise anon pseudonymized
    pseudonymised pseudonymize pseudonymise pseudonym encrypted encrypt encryption enc cipher
    ciphertext obfuscated scrubbed salted salt tokenized tokenised truncated trunc fingerprint
    censored deidentified sanitized sanitised
    """
)

# Aggregates and measurements (email_count, avg_age, accuracy_by_gender, user_stats).
AGGREGATES: frozenset[str] = _words(
    """
    count counts cnt cnts len length lengths size sizes nunique total totals sum sums mean
    means avg average median std stdev stddev variance min max ratio ratios rate rates pct
    percent percentage frac fraction share dist distribution hist histogram entropy coverage
    missing null nulls nan nans na isna isnull notnull by per stat stats statistics summary
    agg aggregate freq frequency frequencies prop proportion
    """
)

# Counting words only as the first token (num_users, n_users, number_of_emails); after a
# PII noun they make an identifier (phone_num, card_no), which the terms cover.
COUNT_PREFIXES: frozenset[str] = _words("n num number nb nr")

# "unique"/"distinct" count a plural (unique_emails) but qualify a singular (unique_user_id).
UNIQUE_WORDS: frozenset[str] = _words("unique uniq distinct")

# Meta/schema: the value is the *name* of the PII or its shape (email_col, phone_regex).
META_WORDS: frozenset[str] = _words(
    """
    col cols column columns field fields key keys attr attrs attribute attributes header
    headers regex regexp re rx pattern patterns format formats fmt template templates tmpl
    type types dtype dtypes schema validator validation label labels placeholder placeholders
    selector xpath spec widget
    """
)

# Booleans and switches as the first token (is_email_valid, has_phone, use_gender).
BOOLEAN_PREFIXES: frozenset[str] = _words(
    """
    is has have had should can could must may was were will would did does do use uses enable
    enabled disable disabled allow allowed include includes exclude show hide require requires
    required need needs without no notify verify validate check force toggle want wants accept
    accepts collect skip ignore keep drop
    """
)

# Settings and flags anywhere outside the term (email_verified, opt_in_email, email_settings).
SETTING_WORDS: frozenset[str] = _words(
    """
    settings setting config cfg conf preference preferences prefs pref consent consented opt
    optin optout flag flags enabled disabled verified valid invalid required
    """
)

# Derived representations: an embedding of a prompt is not the prompt.
DERIVED_WORDS: frozenset[str] = _words(
    """
    embedding embeddings emb embs embed embeds vec vecs vector vectors feature features feat
    feats encoded encoding encodings onehot ohe one hot
    """
)

# Downgrades, by how many levels (high -> medium -> low; never below low).
DOWNGRADES: dict[str, int] = {
    **dict.fromkeys(_words("domain domains"), 2),  # email_domain: low (case 9)
    **dict.fromkeys(DERIVED_WORDS, 2),  # user_embedding: low (case 33)
    **dict.fromkeys(_words("encoded encoding encodings onehot ohe one hot"), 1),
    **dict.fromkeys(  # age_bucket, age_group: low; dob_year: medium (case 38)
        _words(
            """
            bucket buckets bucketed bin bins binned group groups grp band bands bracket
            brackets range ranges category year years
            """
        ),
        1,
    ),
    **dict.fromkeys(  # fake_email: low (case 10)
        _words(
            """
            fake faker synthetic synth dummy mock mocked example examples sample samples test
            testing fixture random generated
            """
        ),
        2,
    ),
}

# --------------------------------------------------------------------------- free text

# Names of text a person wrote (PII203, PII302). Plurals are derived.
FREE_TEXT_TERMS: tuple[str, ...] = _phrases(
    """
    text, free text, message, msg, prompt, query, question, request, review, comment,
    transcript, transcription, chat, chat history, conversation, conversation history,
    message history, dialog, dialogue, dialogue history, utterance, feedback, note, complaint,
    tweet, bio, user input, email body, email subject, mail body, message body
    """
)

# Qualifiers that make the text the developer's or the model's, or an ML tensor
# (system_prompt, error_message, commit_message, attention_query, generated_text).
FREE_TEXT_NEGATIVES: frozenset[str] = _words(
    """
    attention attn cross key proj layer head heads hidden system sys developer template error
    err exception exc log logging warning warn debug status commit release changelog git sql
    cypher graphql db database generated output pred predicted assistant bot model llm ai
    completion tool function default base example examples few shot help usage alert doc docs
    mlflow wandb run
    """
)

# --------------------------------------------------------------------------- maskers

# Verbs that, first in a function's name, say it masks (mask_pii, redact_email, hash_user),
# and digests (hashlib.sha256, .hexdigest). Not "tokenize": that is NLP.
MASK_VERBS: frozenset[str] = _words(
    """
    mask anonymize anonymise pseudonymize pseudonymise redact scrub hash obfuscate sanitize
    sanitise encrypt deidentify deid sha md5 blake hmac digest hexdigest
    """
)
MASK_VERB_PHRASES: tuple[tuple[str, ...], ...] = (("de", "identify"),)

# ML nouns after the verb: the function makes or applies a tensor mask (mask_token,
# mask_ratio, mask_logits), not a privacy mask.
MASKER_NOUN_VETOES: frozenset[str] = _words(
    """
    token tokens tok id ids idx index indices ratio prob probs probability fill value values
    rate pct percent size shape dim dims len length type mode generator gen layer head heads
    image images img imgs pixel pixels logits logit embed embedding embeddings loss count span
    spans padding pad attention attn key query future causal lm mlm patch patches window
    channel channels array arr tensor tensors matrix weight weights feature features threshold
    label labels position positions pos kernel area region box boxes seg segmentation rcnn
    former decoder encoder model net predictor proposal score scores out output outputs input
    inputs sequence sequences seq batch table map set code bucket buckets dict video audio
    """
)

# --------------------------------------------------------------------------- sources

# People whose rows a file or table holds (customers.csv, SELECT * FROM users).
SOURCE_PERSON_NOUNS: frozenset[str] = _with_plurals(
    """
    customer user patient member employee applicant client contact lead subscriber student
    person account profile buyer seller donor voter candidate resident citizen tenant guest
    passenger visitor participant respondent borrower policyholder cardholder shopper speaker
    author reviewer recipient sender driver rider doctor physician nurse pupil individual
    household prospect
    """
) | _words("people persons staff beneficiary beneficiaries child children")

# Personal-data words in a file or table name (pii.csv, emails.txt, crm_export.parquet).
PERSONAL_DATA_WORDS: frozenset[str] = _words(
    "pii personal email emails phone phones ssn ssns address addresses contacts crm "
    "phonebook addressbook"
)
PERSONAL_DATA_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split())
    for p in _phrases("phone numbers, email addresses, address book, phone book, user names")
)

# Words that do not say what the rows are: splits, stages, dates, containers
# (users_2024_clean.csv, dim_customer, part-0000.parquet, patient_records).
SOURCE_TRANSPARENT: frozenset[str] = _words(
    """
    data dataset datasets records record rows table tbl tables list lst events event
    transactions txns logs log history activity interactions sessions visits info details
    detail export exports dump dumps extract snapshot backup raw clean cleaned processed
    interim final full all latest new old orig original tmp temp train training test testing
    val valid validation dev eval holdout sample subset split part chunk shard batch v version
    master main db dim fact stg staging prod view vw merged joined filtered dedup deduped
    updated daily weekly monthly q fy h wk day week month year date ts file files df input
    inputs output outputs s the of mnt csv tsv json jsonl parquet xlsx xls snappy
    """
)

# Not rows about people: aggregates, masked or synthetic data, documentation.
# Heads that name a model or derived artifact, not rows: `customer_churn_model.pkl`.
SOURCE_ARTIFACT_HEADS: frozenset[str] = _words(
    "model models embedding embeddings emb vectors vector weights checkpoint ckpt index "
    "encoder tokenizer classifier regressor predictor pipeline scaler vocab graph"
)
SOURCE_VETOES: frozenset[str] = TRANSFORM_VETOES | _words(
    """
    count counts cnt stats stat statistics summary summaries metrics metric agg aggregate
    aggregated aggregates by per dist distribution histogram hist num nunique total totals kpi
    kpis synthetic fake faker dummy mock guide manual readme docs doc schema template templates
    """
)

# Extensions of data (tables, records, dumps) and of what is not data (code, config,
# media, model weights). A path with neither counts only when it has no extension.
DATA_EXTENSIONS: frozenset[str] = _words(
    """
    csv tsv txt json jsonl ndjson parquet pq feather arrow orc avro xlsx xls xlsm ods db sqlite
    sqlite3 duckdb sql h5 hdf5 hdf pkl pickle npz npy dta sav sas7bdat xml dat mdb accdb vcf
    ldif mbox eml delta
    """
)
NON_DATA_EXTENSIONS: frozenset[str] = _words(
    """
    py pyi pyc ipynb yaml yml toml ini cfg conf sh bash md rst html htm css js ts java go rs c
    cc cpp h hpp rb php lock png jpg jpeg gif svg bmp tif tiff webp pdf doc docx ppt pptx mp3
    mp4 wav flac avi mov mkv pt pth ckpt bin safetensors onnx pb tflite joblib log whl so dll
    exe
    """
)
COMPRESSION_EXTENSIONS: frozenset[str] = _words("gz gzip bz2 xz zst zstd zip tar tgz 7z lz4 snappy")

# First components of home directories (/Users/alice/..., /home/bob/...): not users' rows.
HOME_DIRS: frozenset[str] = _words("users home")
