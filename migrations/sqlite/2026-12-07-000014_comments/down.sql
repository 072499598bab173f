DROP TABLE comment_settlements;
DROP TABLE quotes;
DROP TABLE coding_themes;
DROP TABLE comment_codes;
DROP TABLE comments;
