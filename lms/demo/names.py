"""The made-up words the demo data is drawn from: people's names, nicknames, chief constables, roles, reasons for
exemption and other courses.

Plain data, no Flask and no database; the generator picks from it with each force's own ``random.Random``.
"""

# Common UK forenames and surnames, some with accents and apostrophes; all of them fit Windows-1252, because some
# forces save their rosters from Excel as plain "CSV".

FORENAMES = (
    "James", "Oliver", "Jack", "Harry", "George", "Thomas", "William", "Daniel", "Matthew", "Joseph", "Samuel",
    "Benjamin", "Luke", "Adam", "Ryan", "Michael", "David", "Christopher", "Andrew", "Mark", "Paul", "Stephen",
    "Richard", "Robert", "Peter", "John", "Jonathan", "Nicholas", "Alexander", "Callum", "Connor", "Liam", "Kieran",
    "Jamie", "Lewis", "Aaron", "Nathan", "Scott", "Craig", "Gareth", "Rhys", "Dafydd", "Owain", "Rhodri", "Iwan",
    "Cerys", "Ffion", "Siân", "Seren", "Carys", "Bethan", "Megan", "Rhiannon", "Eleri", "Seán", "Ciarán", "Niamh",
    "Aoife", "Siobhán", "Gráinne", "Eilís", "Róisín", "Sinéad", "Orla", "Zoë", "Chloé", "Renée", "Amélie", "José",
    "André", "Raphaël", "Olivia", "Emily", "Sophie", "Jessica", "Charlotte", "Hannah", "Lucy", "Amy", "Laura",
    "Rebecca", "Sarah", "Emma", "Rachel", "Hayley", "Gemma", "Katie", "Lauren", "Jade", "Natalie", "Claire", "Helen",
    "Nicola", "Joanne", "Michelle", "Karen", "Lisa", "Victoria", "Katherine", "Elizabeth", "Eleanor", "Grace",
    "Ellie", "Holly", "Abigail", "Amelia", "Isabel", "Mohammed", "Muhammad", "Ahmed", "Ali", "Omar", "Bilal",
    "Imran", "Tariq", "Hassan", "Yusuf", "Amir", "Aisha", "Fatima", "Zainab", "Ayesha", "Maryam", "Samira", "Priya",
    "Anjali", "Sunita", "Ravi", "Arjun", "Sanjay", "Raj", "Vikram", "Deepa", "Kwame", "Kofi", "Chidi", "Emeka",
    "Tunde", "Adaeze", "Chiamaka", "Ngozi", "Abena", "Femi", "Marcus", "Jerome", "Tyrone", "Wei", "Mei", "Jun",
    "Lin", "Piotr", "Tomasz", "Krzysztof", "Agnieszka", "Katarzyna", "Magdalena", "Björn", "Søren", "Zofia",
)
SURNAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson", "Roberts",
    "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall", "Lewis", "Harris",
    "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark",
    "Lee", "King", "Baker", "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Davis",
    "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook", "Carter", "Richardson",
    "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox", "Richards", "Khan", "Marshall", "Anderson",
    "Simpson", "Ellis", "Adams", "Singh", "Begum", "Wilkinson", "Foster", "Chapman", "Powell", "Webb", "Rogers",
    "Gray", "Mason", "Ali", "Hunt", "Hussain", "Campbell", "Matthews", "Owen", "Palmer", "Holmes", "Mills",
    "Barnes", "Knight", "Lloyd", "Butler", "Russell", "Barker", "Fisher", "Stevens", "Jenkins", "Murray", "Dixon",
    "Harvey", "Ahmed", "Rahman", "Chowdhury", "Okafor", "Mensah", "Adeyemi", "Osei", "Boateng", "Nwosu", "Kaur",
    "Sharma", "Gill", "Sandhu", "Chen", "Wong", "Nowak", "Kowalski", "Wójcik", "O'Brien", "O'Connor", "O'Neill",
    "O'Sullivan", "McDonald", "MacLeod", "McCarthy", "D'Souza", "Smith-Jones", "Fitzgerald", "Ní Bhraonáin",
    "Ó Súilleabháin", "Mac Giolla Phádraig", "Llewellyn", "ap Rhys", "Pryce", "Vaughan", "Bowen", "Gruffydd",
    "Núñez", "Müller", "François", "Brontë", "Ní Dhomhnaill", "Ó Briain",
)
# What a College Learn account may call the same person.
NICKNAMES = {
    "Jonathan": "Jon", "Katherine": "Kate", "Elizabeth": "Liz", "Christopher": "Chris", "Michael": "Mike",
    "Nicholas": "Nick", "Alexander": "Alex", "Benjamin": "Ben", "Matthew": "Matt", "Daniel": "Dan",
    "Samuel": "Sam", "Rebecca": "Becky", "Victoria": "Vicky", "Stephen": "Steve", "Richard": "Rich",
    "Robert": "Rob", "Andrew": "Andy", "Thomas": "Tom", "William": "Will", "Joseph": "Joe", "Abigail": "Abi",
    "Jessica": "Jess", "Natalie": "Nat", "Nathan": "Nate", "Muhammad": "Mohammed", "Ciarán": "Kieran",
}
CHIEF_NAMES = tuple(zip(
    ("Sarah", "Andrew", "Rachel", "Mark", "Helen", "Gareth", "Amanda", "Jason", "Nikki", "Stephen", "Olivia",
     "Richard", "Jo", "Darren", "Catherine", "Pippa", "Ian", "Lucy"),
    ("Whitfield", "Pemberton", "Okonjo", "Hallworth", "Ashdown", "Llewellyn-Hughes", "Carver", "Boateng",
     "Fairbrother", "Redmayne", "Castleton", "Thornbury", "Marchetti", "Wycliffe", "Ó Dálaigh", "Greenhalgh",
     "Kingsley", "Penrose"),
    strict=True,
))
# category -> (rank, role, department) as rosters write them
ROLES = {
    "frontline": (("Constable", "Response officer", "Response"),
                  ("Constable", "Neighbourhood officer", "Neighbourhood policing"),
                  ("Constable", "Roads policing officer", "Roads policing"),
                  ("Sergeant", "Response sergeant", "Response"),
                  ("PCSO", "Police community support officer", "Neighbourhood policing"),
                  ("Constable", "Custody officer", "Custody"),
                  ("Constable", "Ports officer", "Special Branch")),
    "investigator": (("Detective constable", "Investigator", "CID"),
                     ("Detective sergeant", "Investigator", "Major crime"),
                     ("Police staff investigator", "PIP2 investigator", "Public protection"),
                     ("Detective constable", "Investigator", "Serious and organised crime"),
                     ("Trainee detective constable", "Trainee investigator", "CID")),
    "manager": (("Inspector", "Response inspector", "Response"),
                ("Detective inspector", "Senior investigating officer", "Major crime"),
                ("Chief inspector", "Neighbourhood commander", "Neighbourhood policing"),
                ("Superintendent", "Local policing commander", "Local policing"),
                ("Inspector", "Custody inspector", "Custody")),
    "other": (("Police staff", "Intelligence analyst", "Intelligence"),
              ("Police staff", "Contact handler", "Contact management"),
              ("Police staff", "Training officer", "Learning and development"),
              ("Police staff", "Case file officer", "Criminal justice")),
}
EXEMPTIONS = ("Maternity leave", "Long-term sick leave", "Seconded to the NCA", "Career break",
              "Recuperative duties")
OTHER_COURSES = (
    "Data protection and information security", "Stop and search: legitimacy and fairness",
    "Domestic abuse matters", "Modern slavery and human trafficking", "Code of Ethics",
    "Digital intelligence and investigation", "Safeguarding children", "Counter terrorism awareness",
)
