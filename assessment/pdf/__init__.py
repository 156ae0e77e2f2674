"""PDF reports: one assessment (render.assessment_pdf) and an agency's portfolio (render.portfolio_pdf)."""
