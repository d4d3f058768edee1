/* hub-seed-college-data.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The generated college's names: programs with their major topics, the
 * general-education subjects, and Filipino first and last names.  Data
 * only, included by hub-seed-college.c alone.
 */

#pragma once

#include <glib.h>

typedef struct
{
  const char *code;
  const char *prefix;            /* of subject codes */
  const char *name;
  guint       weight;            /* share of the students */
  gint64      commitment;        /* monthly commitment in centavos */
  const char *topics[16];        /* majors: year y has topics 4(y−1)..4y−1, I then II */
} Program;

static const Program programs[] = {
  { "BSCS", "CS", "Bachelor of Science in Computer Science", 18, 550000,
    { "Programming", "Discrete Structures", "Introduction to Computing", "Digital Design",
      "Data Structures", "Algorithms", "Computer Organization", "Information Management",
      "Operating Systems", "Networks and Communications", "Software Engineering",
      "Automata and Formal Languages", "Intelligent Systems", "Information Assurance",
      "Human-Computer Interaction", "Thesis Writing" } },
  { "BSIT", "IT", "Bachelor of Science in Information Technology", 20, 500000,
    { "Computer Programming", "Web Systems", "Introduction to IT", "Office Productivity",
      "Data Structures", "Networking", "Systems Analysis", "Database Systems",
      "Platform Technologies", "Multimedia Systems", "Integrative Programming",
      "Information Security", "Systems Administration", "Mobile Development",
      "Cloud Computing", "Capstone Project" } },
  { "BSN", "NU", "Bachelor of Science in Nursing", 17, 700000,
    { "Anatomy and Physiology", "Biochemistry", "Microbiology", "Theoretical Foundations",
      "Health Assessment", "Fundamentals of Nursing", "Pharmacology", "Nutrition and Diet",
      "Community Health Nursing", "Maternal and Child Nursing", "Medical-Surgical Nursing",
      "Psychiatric Nursing", "Nursing Research", "Nursing Leadership", "Care of Older Adults",
      "Related Learning Experience" } },
  { "BSBA", "BA", "Bachelor of Science in Business Administration", 20, 450000,
    { "Principles of Management", "Financial Accounting", "Microeconomics",
      "Business Mathematics", "Macroeconomics", "Marketing Management", "Business Law",
      "Human Resource Management", "Operations Management", "Financial Management",
      "Business Research", "Managerial Accounting", "Strategic Management", "Entrepreneurship",
      "International Business", "Business Policy" } },
  { "BSED", "ED", "Bachelor of Secondary Education", 13, 400000,
    { "Child and Adolescent Development", "Facilitating Learning", "The Teaching Profession",
      "Foundations of Education", "Curriculum Development", "Assessment of Learning",
      "Educational Technology", "Teaching Strategies", "Special Education",
      "Mathematics Content", "Science Content", "English Content", "Filipino Content",
      "Field Study", "Action Research", "Practice Teaching" } },
  { "BSCE", "CE", "Bachelor of Science in Civil Engineering", 12, 600000,
    { "Calculus", "Physics for Engineers", "Engineering Drawing", "Chemistry for Engineers",
      "Statics of Rigid Bodies", "Dynamics of Rigid Bodies", "Surveying", "Engineering Geology",
      "Mechanics of Deformable Bodies", "Fluid Mechanics", "Structural Theory", "Hydraulics",
      "Geotechnical Engineering", "Reinforced Concrete Design", "Transportation Engineering",
      "Construction Management" } },
};

#define N_PROGRAMS G_N_ELEMENTS (programs)

/* The fifth subject of each term: general education, electives later. */
static const char * const general_education[N_TERMS] = {
  "Understanding the Self", "Readings in Philippine History", "The Contemporary World",
  "Mathematics in the Modern World", "Purposive Communication", "Free Elective 1",
  "Life and Works of Rizal", "Free Elective 2",
};

static const char * const roman[] = { "I", "II" };

static const char * const first_names[] = {
  "Juan", "Jose", "Maria", "Ana", "Mark", "John Paul", "Angelica", "Kristine", "Christian",
  "Patricia", "Miguel", "Andrea", "Rafael", "Camille", "Joshua", "Nicole", "Gabriel",
  "Jasmine", "Carlo", "Bea", "Paolo", "Erika", "Francis", "Rhea", "Emmanuel", "Lorraine",
  "Vincent", "Shiela", "Aldrin", "Mae", "Ramon", "Liza", "Jerome", "Trisha", "Kenneth",
  "Hazel", "Nathaniel", "Joanna", "Renz", "Princess",
};

static const char * const last_names[] = {
  "Santos", "Reyes", "Cruz", "Bautista", "Ocampo", "Garcia", "Mendoza", "Torres", "Tomas",
  "Andrada", "Castillo", "Flores", "Villanueva", "Ramos", "Castro", "Rivera", "Aquino",
  "Navarro", "Salazar", "Mercado", "Dela Cruz", "De Leon", "Gonzales", "Lim", "Tan",
  "Soriano", "Domingo", "Gutierrez", "Manalo", "Pascual", "Valdez", "Santiago", "Dizon",
  "Aguilar", "Lopez", "Fernandez", "Marquez", "Del Rosario", "Panganiban", "Magbanua",
};
